/**
 * Who this tab is: a display name and a caret color, shared with others through awareness.
 * Kept in localStorage so a person keeps their name across documents and reloads; `?name=`
 * overrides it for one tab (handy for demos with several tabs, and for the browser tests).
 */
export interface UserIdentity {
  name: string;
  /** `#rrggbb`: the caret extension ignores any other color syntax. */
  color: string;
}

const STORAGE_KEY = 'quire:identity';
const MAX_NAME_LENGTH = 40;

// Distinct on white and legible under white text (labels), in both light and dim screens.
export const PALETTE = ['#e5484d', '#0090ff', '#30a46c', '#f76b15', '#8e4ec6', '#12a594', '#d6409f', '#3e63dd'] as const;

const NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Radia', 'Leslie', 'Margaret'];

function pick<T>(items: readonly T[]): T {
  const index = crypto.getRandomValues(new Uint32Array(1))[0]! % items.length;
  return items[index]!;
}

function isIdentity(value: unknown): value is UserIdentity {
  if (typeof value !== 'object' || value === null) return false;
  const { name, color } = value as Record<string, unknown>;
  return typeof name === 'string' && name.length > 0 && typeof color === 'string' && isHexColor(color);
}

export function isHexColor(color: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(color);
}

/** Trims a typed name to something that fits a caret label; empty when nothing usable is left. */
export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH);
}

function readStored(): UserIdentity | null {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    return isIdentity(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveIdentity(identity: UserIdentity): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(identity));
  } catch {
    // Storage can be disabled (private modes); the identity then lasts as long as the tab.
  }
}

export function loadIdentity(url: URL): UserIdentity {
  const stored = readStored();
  const identity = stored ?? { name: pick(NAMES), color: pick(PALETTE) };
  if (stored === null) saveIdentity(identity);
  const override = cleanName(url.searchParams.get('name') ?? '');
  const color = url.searchParams.get('color') ?? '';
  return {
    name: override || identity.name,
    color: isHexColor(color) ? color : identity.color,
  };
}
