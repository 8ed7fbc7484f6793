/** What every kind of source offers the sync: list the matching files, look at one, download it, move it aside. */

export interface RemoteFile {
  /** The bare file name inside the source's directory or prefix. */
  name: string;
  size: number;
  /** mtime in ms (SFTP, folder) or the ETag (S3): what changes when the content does. */
  version: string;
  modifiedMs: number;
}

export type ProgressListener = (transferred: number, total: number) => void;

export interface Connector {
  /** Where it is, for messages (never with credentials). */
  readonly describe: string;
  /** Whether files appear whole (S3 objects do), so no stability wait is needed. */
  readonly atomicWrites: boolean;
  /** The files whose names match the source's glob, in name order. */
  list(): Promise<RemoteFile[]>;
  /** The file as it is now, or null when it is gone. */
  stat(name: string): Promise<RemoteFile | null>;
  /** Writes the file to `target` (a local path); SourceError `source.file_gone` when it is gone. */
  download(file: RemoteFile, target: string, onProgress?: ProgressListener): Promise<void>;
  /** Moves the file into `folder` (archive, rejected) beside it; returns where it went. */
  moveTo(file: RemoteFile, folder: string): Promise<string>;
  close(): Promise<void>;
}

/** `name` in `folder`, or `stem-<stamp>ext` when that name is taken. */
export function movedName(name: string, taken: boolean, now: Date = new Date()): string {
  if (!taken) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  return `${stem}-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}${ext}`;
}
