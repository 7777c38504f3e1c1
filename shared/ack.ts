import type { ErrorInfo } from './errors.js';
import { isErrorCode } from './errors.js';

/** Every acknowledgement: success, possibly with data, or a stable error code and a safe message. */
export type Ack<T extends object = object> = ({ ok: true } & T) | ({ ok: false } & ErrorInfo);

export type AckCallback<T extends object = object> = (result: Ack<T>) => void;

export function ackOk(): { ok: true };
export function ackOk<T extends object>(data: T): { ok: true } & T;
export function ackOk(data: object = {}): object {
  return { ok: true, ...data };
}

export function ackError(info: ErrorInfo): { ok: false } & ErrorInfo {
  const ack: { ok: false } & ErrorInfo = { ok: false, code: info.code, message: info.message };
  if (info.clientIds !== undefined) ack.clientIds = info.clientIds;
  return ack;
}

export function isAck(value: unknown): value is Ack {
  if (typeof value !== 'object' || value === null) return false;
  const ok = (value as { ok?: unknown }).ok;
  if (ok === true) return true;
  if (ok !== false) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return isErrorCode(code) && typeof message === 'string';
}
