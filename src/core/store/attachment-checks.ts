/**
 * Entry check of a message's attachments before they are written (docs/attachments.md): exactly
 * the schema's fields are copied, each checked, so nothing else reaches the database.
 */
import { checkArray, checkBytes, checkInteger, checkObject } from '../../../wasm/check.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { ATTACHMENT_STATES, type AttachmentSource, type StoredAttachment } from './schema.ts';
import { checkErrorCode, checkMaxLength, checkOneOf } from './checks.ts';

/** A peer's file name or type is kept up to this many characters (longer ones are cut, not refused). */
export const MAX_ATTACHMENT_TEXT = 1_000;
/** A message carries at most this many attachments (Session's clients send up to 32). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 32;

export function toStoredAttachments(value: unknown, name: string): StoredAttachment[] {
  checkArray(value, name);
  if (value.length > MAX_ATTACHMENTS_PER_MESSAGE) checkInteger(value.length, `${name}.length`, 0, MAX_ATTACHMENTS_PER_MESSAGE);
  return value.map((item, i) => toStoredAttachment(item, `${name}[${i}]`));
}

function toStoredAttachment(value: unknown, name: string): StoredAttachment {
  checkObject(value, name);
  checkMaxLength(value['contentType'], `${name}.contentType`, MAX_ATTACHMENT_TEXT);
  checkMaxLength(value['fileName'], `${name}.fileName`, MAX_ATTACHMENT_TEXT);
  for (const field of ['size', 'width', 'height'] as const) {
    if (value[field] !== null) checkInteger(value[field], `${name}.${field}`, 0, 0xffff_ffff);
  }
  if (typeof value['voiceMessage'] !== 'boolean') checkOneOf(String(value['voiceMessage']), `${name}.voiceMessage`, ['true', 'false']);
  checkOneOf(value['state'], `${name}.state`, ATTACHMENT_STATES);
  if (value['failureCode'] !== null) checkErrorCode(value['failureCode'], `${name}.failureCode`);
  return {
    contentType: value['contentType'],
    fileName: value['fileName'],
    size: value['size'] as number | null,
    width: value['width'] as number | null,
    height: value['height'] as number | null,
    voiceMessage: value['voiceMessage'] as boolean,
    state: value['state'],
    failureCode: value['failureCode'] as ErrorCode | null,
    source: value['source'] === null ? null : toSource(value['source'], `${name}.source`),
  };
}

function toSource(value: unknown, name: string): AttachmentSource {
  checkObject(value, name);
  if (value['url'] !== null) checkMaxLength(value['url'], `${name}.url`, MAX_ATTACHMENT_TEXT);
  checkOneOf(value['scheme'], `${name}.scheme`, ['legacy', 'deterministic'] as const);
  checkBytes(value['key'], `${name}.key`);
  if (value['digest'] !== null) checkBytes(value['digest'], `${name}.digest`);
  if (value['iv'] !== undefined) checkBytes(value['iv'], `${name}.iv`, 16);
  return {
    url: value['url'] as string | null,
    scheme: value['scheme'],
    key: value['key'],
    digest: value['digest'] as Uint8Array | null,
    ...(value['iv'] !== undefined ? { iv: value['iv'] as Uint8Array } : {}),
  };
}
