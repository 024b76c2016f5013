/**
 * The relay's CSP (`style-src 'self'`) blocks style attributes in markup and Svelte's `style:`
 * directive, but not property writes through the CSSOM from script. This action is the one place
 * that writes them: pixel offsets for the virtual list, an avatar's colour as a custom property.
 */
export type StyleProps = Readonly<Record<string, string | null>>;

export function styleProps(node: HTMLElement, props: StyleProps): { update: (next: StyleProps) => void } {
  let current: StyleProps = {};
  const apply = (next: StyleProps): void => {
    for (const name of Object.keys(current)) if (!(name in next)) node.style.removeProperty(name);
    for (const [name, value] of Object.entries(next)) {
      if (current[name] === value) continue;
      if (value === null) node.style.removeProperty(name);
      else node.style.setProperty(name, value);
    }
    current = next;
  };
  apply(props);
  return { update: apply };
}
