/**
 * "Who is here": one row per awareness state that carries a user, this tab first. Names come
 * from other people's browsers, so they are only ever set as text, never as HTML.
 */
import type { Awareness } from 'y-protocols/awareness';
import { isHexColor } from './identity.js';

interface PresentUser {
  clientId: number;
  name: string;
  color: string;
  isSelf: boolean;
}

function presentUsers(awareness: Awareness): PresentUser[] {
  const users: PresentUser[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user: unknown = state['user'];
    if (typeof user !== 'object' || user === null) continue;
    const { name, color } = user as Record<string, unknown>;
    users.push({
      clientId,
      name: typeof name === 'string' && name ? name : 'Anonymous',
      color: typeof color === 'string' && isHexColor(color) ? color : '#888888',
      isSelf: clientId === awareness.clientID,
    });
  }
  // Self first, then by name so the list does not shuffle as states arrive.
  return users.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId);
}

function renderUser(user: PresentUser): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'presence-user';
  item.dataset['testid'] = 'presence-user';
  item.dataset['name'] = user.name;
  if (user.isSelf) item.dataset['self'] = 'true';
  const avatar = document.createElement('span');
  avatar.className = 'avatar';
  avatar.style.backgroundColor = user.color;
  avatar.textContent = (user.name.trim()[0] ?? '?').toUpperCase();
  avatar.setAttribute('aria-hidden', 'true');
  const name = document.createElement('span');
  name.className = 'presence-name';
  name.textContent = user.name;
  item.append(avatar, name);
  if (user.isSelf) {
    const you = document.createElement('span');
    you.className = 'presence-you';
    you.textContent = 'you';
    item.append(you);
  }
  return item;
}

export function mountPresenceList(list: HTMLElement, count: HTMLElement, awareness: Awareness): () => void {
  const render = (): void => {
    const users = presentUsers(awareness);
    list.replaceChildren(...users.map(renderUser));
    count.textContent = String(users.length);
  };
  // 'change' fires only when a state really changed (not on the periodic keep-alive renewals).
  awareness.on('change', render);
  render();
  return () => awareness.off('change', render);
}
