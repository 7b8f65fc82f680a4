/** The display name is remembered on this device only (never sent to the relay). */
const KEY = 'lunar.displayName';

export function rememberedName(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(KEY, name);
  } catch {
    // Private mode without storage: the name just isn't remembered.
  }
}
