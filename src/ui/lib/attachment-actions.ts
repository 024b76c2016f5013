/** What an attachment card may ask of its conversation (ConversationState does it through the core). */
export interface AttachmentActions {
  download(messageId: number, index: number): void;
  /** Stops a download; on an outgoing message still uploading, stops sending it (Retry resumes). */
  cancel(messageId: number, index: number): void;
  read(messageId: number, index: number): Promise<Blob>;
  /** An upload or download in flight: 0..1; undefined when none is known. */
  progress(messageId: number, index: number): number | undefined;
}
