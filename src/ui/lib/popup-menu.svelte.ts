/**
 * How a button that opens a menu behaves (the conversation's menu, a message's options): opening
 * moves focus to the first item; Escape, a choice, or focus leaving both the menu and its button
 * closes it, and a deliberate close gives focus back to the button. The markup and its look stay
 * with each component; they bind `button` and `menu` and wire the handlers.
 */
import { tick } from 'svelte';

export class PopupMenu {
  open = $state(false);
  button: HTMLButtonElement | undefined = $state();
  menu: HTMLElement | undefined = $state();

  readonly toggle = async (): Promise<void> => {
    this.open = !this.open;
    if (!this.open) return;
    await tick();
    this.menu?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
  };

  readonly close = (): void => {
    this.open = false;
    this.button?.focus();
  };

  readonly onkeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') this.close();
  };

  /** Focus moved elsewhere (a click outside, Tab past the last item): close without taking focus back. */
  readonly onfocusout = (event: FocusEvent): void => {
    const next = event.relatedTarget as Node | null;
    if (!this.menu?.contains(next) && next !== this.button) this.open = false;
  };
}
