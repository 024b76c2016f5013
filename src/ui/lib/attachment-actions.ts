import type { MediaPreviews } from './media-previews.ts';

/** What an attachment card may ask of its conversation (ConversationState does it through the core). */
export interface AttachmentActions {
  download(messageId: number, index: number): void;
  /** Stops a download; on an outgoing message still uploading, stops sending it (Retry resumes). */
  cancel(messageId: number, index: number): void;
  read(messageId: number, index: number): Promise<Blob>;
  /** An upload or download in flight: 0..1; undefined when none is known. */
  progress(messageId: number, index: number): number | undefined;
  /** The conversation's inline previews (thumbnails and poster frames). */
  readonly previews: MediaPreviews;
  /** Opens the full-size viewer on this attachment; focus goes back to `opener` when it closes. */
  view(messageId: number, index: number, opener: HTMLElement): void;
}

/** Saves bytes under their file name (the browser's download); the object URL goes once it started. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once started: the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
