// A small context menu (role=menu): arrow keys, Home/End, Enter/Space, Escape; closes on a click
// outside, on scroll, on blur. Focus goes back where it was when it closes.
import { h } from '../ui/dom';

export interface MenuItem {
  id: string;
  label: string;
  disabled?: boolean;
  /** Why it is disabled, or what it does. */
  title?: string;
  run(): void;
  /** Called when the item is pointed at or focused (the first item is, as the menu opens): run() is likely next. */
  prepare?(): void;
}

let open: { el: HTMLElement; close: (refocus: boolean) => void } | undefined;

export function closeMenu(refocus = false): void {
  open?.close(refocus);
}

export function openMenu(items: MenuItem[], x: number, y: number, label: string): HTMLElement {
  closeMenu();
  const returnFocus = document.activeElement as HTMLElement | null;
  const buttons: HTMLElement[] = items.map((it) =>
    h(
      'div',
      {
        class: 'menu-item',
        role: 'menuitem',
        tabindex: -1,
        'aria-disabled': it.disabled ? 'true' : undefined,
        title: it.title,
        'data-testid': `menu-${it.id}`,
      },
      it.label,
    ),
  );
  items.forEach((it, i) => {
    if (!it.prepare || it.disabled) return;
    const prepare = () => {
      buttons[i].removeEventListener('focus', prepare);
      buttons[i].removeEventListener('pointerenter', prepare);
      it.prepare!();
    };
    buttons[i].addEventListener('focus', prepare);
    buttons[i].addEventListener('pointerenter', prepare);
  });
  const el = h('div', { class: 'context-menu', role: 'menu', 'aria-label': label, 'data-testid': 'row-menu' }, ...buttons);
  document.body.appendChild(el);
  // Keep it inside the viewport.
  const r = el.getBoundingClientRect();
  el.style.left = `${Math.max(0, Math.min(x, window.innerWidth - r.width - 4))}px`;
  el.style.top = `${Math.max(0, Math.min(y, window.innerHeight - r.height - 4))}px`;

  const enabled = (): HTMLElement[] => buttons.filter((b) => b.getAttribute('aria-disabled') !== 'true');
  const focusAt = (k: number) => {
    const list = enabled();
    if (!list.length) return;
    list[(k + list.length) % list.length].focus();
  };
  const activate = (b: HTMLElement) => {
    const it = items[buttons.indexOf(b)];
    if (!it || it.disabled) return;
    close(true);
    it.run();
  };
  const onDocPointer = (e: Event) => {
    if (!el.contains(e.target as Node)) close(false);
  };
  const onScroll = (e: Event) => {
    if (!el.contains(e.target as Node)) close(false);
  };
  const onBlur = () => close(false);
  function close(refocus: boolean): void {
    if (open?.el !== el) return;
    open = undefined;
    document.removeEventListener('pointerdown', onDocPointer, true);
    document.removeEventListener('scroll', onScroll, true);
    window.removeEventListener('blur', onBlur);
    el.remove();
    if (refocus) returnFocus?.focus?.({ preventScroll: true });
  }
  el.addEventListener('keydown', (e) => {
    const list = enabled();
    const k = list.indexOf(document.activeElement as HTMLElement);
    switch (e.key) {
      case 'ArrowDown':
        focusAt(k + 1);
        break;
      case 'ArrowUp':
        focusAt(k < 0 ? -1 : k - 1);
        break;
      case 'Home':
        focusAt(0);
        break;
      case 'End':
        focusAt(-1);
        break;
      case 'Enter':
      case ' ':
        if (k >= 0) activate(list[k]);
        break;
      case 'Escape':
      case 'Tab':
        close(true);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  });
  el.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLElement>('.menu-item');
    if (b) activate(b);
  });
  el.addEventListener('contextmenu', (e) => e.preventDefault());
  document.addEventListener('pointerdown', onDocPointer, true);
  document.addEventListener('scroll', onScroll, true);
  window.addEventListener('blur', onBlur);
  open = { el, close };
  focusAt(0);
  return el;
}
