/**
 * The one line the conversation list shows for a conversation's newest message. A message that is
 * only files has no body, so the line names what it carries ("🎤 Voice message", "📷 Photo",
 * "📎 report.pdf", "📎 3 files"); with a caption, the caption shows behind the files' icon. The icon
 * is decoration (the component hides it from screen readers): the text alone says it all.
 */
import type { AttachmentsPreview } from '../../core/api.ts';
import { strings } from '../strings.ts';

export interface PreviewLine {
  /** An emoji for the kind of file, or null for a message without files. */
  readonly icon: string | null;
  readonly text: string;
}

export function previewLine(body: string, attachments: AttachmentsPreview | null): PreviewLine {
  if (attachments === null || attachments.count === 0) return { icon: null, text: body };
  const icon = iconOf(attachments);
  if (body.trim() !== '') return { icon, text: body };
  return { icon, text: filesText(attachments) };
}

function iconOf(attachments: AttachmentsPreview): string {
  if (attachments.count > 1) return '📎';
  if (attachments.firstIsVoiceMessage) return '🎤';
  if (attachments.firstContentType.startsWith('image/')) return '📷';
  if (attachments.firstContentType.startsWith('video/')) return '🎬';
  return '📎';
}

function filesText(attachments: AttachmentsPreview): string {
  const files = strings.list.files;
  if (attachments.count > 1) return files.count(attachments.count);
  if (attachments.firstIsVoiceMessage) return files.voice;
  // The type is the sender's claim: good enough for a word, never used to render anything.
  if (attachments.firstContentType.startsWith('image/')) return files.photo;
  if (attachments.firstContentType.startsWith('video/')) return files.video;
  return attachments.firstFileName.trim() !== '' ? attachments.firstFileName : strings.attachments.unnamed;
}
