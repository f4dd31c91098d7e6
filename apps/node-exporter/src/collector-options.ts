/**
 * Collector-specific flags, with upstream's names in comments and upstream's defaults in
 * {@link DEFAULT_COLLECTOR_OPTIONS}. Regexes are RE2 patterns, matched unanchored as Go's
 * `regexp.MatchString` does (the defaults anchor themselves).
 */
export interface CollectorOptions {
  /** `--collector.filesystem.mount-points-exclude` */
  readonly filesystemMountPointsExclude: string;
  /** `--collector.filesystem.fs-types-exclude` */
  readonly filesystemFsTypesExclude: string;
  /** `--collector.filesystem.mount-timeout` in seconds: a statfs slower than this marks the mount stuck. */
  readonly filesystemMountTimeoutSeconds: number;
  /** `--collector.netdev.device-exclude` (empty: none) */
  readonly netdevDeviceExclude: string;
  /** `--collector.netdev.device-include` (empty: all) */
  readonly netdevDeviceInclude: string;
  /** `--collector.diskstats.device-exclude` */
  readonly diskstatsDeviceExclude: string;
  /** `--collector.diskstats.device-include` (empty: all) */
  readonly diskstatsDeviceInclude: string;
  /** `--collector.cpu.guest` */
  readonly cpuGuest: boolean;
  /** `--collector.stat.softirq` */
  readonly statSoftirq: boolean;
  /** `--collector.netstat.fields` */
  readonly netstatFields: string;
  /** `--collector.vmstat.fields` */
  readonly vmstatFields: string;
}

export const DEFAULT_COLLECTOR_OPTIONS: CollectorOptions = {
  filesystemMountPointsExclude:
    '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)',
  filesystemFsTypesExclude:
    '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$',
  filesystemMountTimeoutSeconds: 5,
  netdevDeviceExclude: '',
  netdevDeviceInclude: '',
  diskstatsDeviceExclude: '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$',
  diskstatsDeviceInclude: '',
  cpuGuest: true,
  statSoftirq: false,
  netstatFields:
    '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$',
  vmstatFields: '^(oom_kill|pgpg|pswp|pg.*fault).*',
};
