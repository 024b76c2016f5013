/**
 * A multi-step screen (Create, Restore) replaces the buttons the person just used with the next
 * step's: without this, focus would fall to the page and a keyboard or screen-reader user would
 * start over from the top. Call it while a component initialises (it registers an effect).
 */
import { tick } from 'svelte';

export function focusEachNewStep(step: () => string, root: () => HTMLElement | undefined): void {
  let shown = '';
  $effect(() => {
    const current = step();
    const isNewStep = shown !== '' && shown !== current;
    shown = current;
    if (!isNewStep) return;
    void tick().then(() => {
      const container = root();
      const target = container?.querySelector<HTMLElement>('[autofocus]') ?? container?.querySelector<HTMLElement>('[data-step-title]');
      target?.focus();
    });
  });
}
