/** One line of `/proc/<pid>/mountinfo`, reduced to what the filesystem collector needs. */
export interface MountInfo {
  readonly majorMinor: string;
  readonly mountPoint: string;
  readonly options: string;
  readonly fsType: string;
  readonly source: string;
  readonly superOptions: string;
}

/**
 * Parses mountinfo text (proc(5)): `id parent major:minor root mountpoint options
 * [optional…] - fstype source superoptions`. Octal escapes (`\040`, `\011`, `\012`, `\134`)
 * in paths are decoded. Malformed lines are skipped.
 */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const parts = line.split(' ');
    const sep = parts.indexOf('-', 6);
    if (parts.length < 10 || sep < 0 || parts.length < sep + 3) continue;
    out.push({
      majorMinor: parts[2]!,
      mountPoint: unescapeOctal(parts[4]!),
      options: parts[5]!,
      fsType: parts[sep + 1]!,
      source: unescapeOctal(parts[sep + 2]!),
      superOptions: parts[sep + 3] ?? '',
    });
  }
  return out;
}

function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Whether a comma-separated option list contains `option` exactly. */
export function hasOption(options: string, option: string): boolean {
  return options.split(',').includes(option);
}
