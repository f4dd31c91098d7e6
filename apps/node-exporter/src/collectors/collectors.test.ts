import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTOR_OPTIONS } from '../collector-options.ts';
import type { CollectorOptions } from '../collector-options.ts';
import { HostPaths } from '../host-paths.ts';
import { sampleLines } from '../testing/sample-lines.ts';
import { COLLECTORS } from './registry.ts';
import { pageSize } from './page-size.ts';

const host = resolve(import.meta.dirname, '../../testdata/host');
const paths = new HostPaths(`${host}/proc`, `${host}/sys`, `${host}/root`, `${host}/udev`);

async function collect(name: string, options: Partial<CollectorOptions> = {}): Promise<string[]> {
  const collector = COLLECTORS.get(name)!({ paths, options: { ...DEFAULT_COLLECTOR_OPTIONS, ...options } });
  return sampleLines(await collector.collect());
}

describe('collectors on testdata/host', () => {
  it.each([
    {
      name: 'loadavg',
      want: ['node_load1 0.21', 'node_load5 0.37', 'node_load15 0.39'],
    },
    {
      name: 'filefd',
      want: ['node_filefd_allocated 496', 'node_filefd_maximum 2.46616e+06'],
    },
    {
      name: 'meminfo',
      want: [
        'node_memory_MemTotal_bytes 3.831959552e+09',
        'node_memory_MemFree_bytes 2.30883328e+08',
        'node_memory_Active_anon_bytes 2.068484096e+09',
        'node_memory_HugePages_Total 0',
        'node_memory_Hugepagesize_bytes 2.097152e+06',
      ],
    },
    {
      name: 'stat',
      want: [
        'node_intr_total 12345',
        'node_context_switches_total 999',
        'node_forks_total 4242',
        'node_boot_time_seconds 1.7e+09',
        'node_procs_running 3',
        'node_procs_blocked 1',
      ],
    },
    {
      name: 'stat',
      options: { statSoftirq: true },
      want: [
        'node_intr_total 12345',
        'node_context_switches_total 999',
        'node_forks_total 4242',
        'node_boot_time_seconds 1.7e+09',
        'node_procs_running 3',
        'node_procs_blocked 1',
        ...[
          'hi',
          'timer',
          'net_tx',
          'net_rx',
          'block',
          'block_iopoll',
          'tasklet',
          'sched',
          'hrtimer',
          'rcu',
        ].map((v, i) => `node_softirqs_total{vector="${v}"} ${i + 1}`),
      ],
    },
    {
      name: 'cpu',
      want: [
        ...['idle 5', 'iowait 0.05', 'irq 0', 'nice 0', 'softirq 0.03', 'steal 0', 'system 1', 'user 1'].map(
          (m) => `node_cpu_seconds_total{cpu="0",mode="${m.replace(' ', '"} ')}`,
        ),
        ...['idle 5', 'iowait 0.05', 'irq 0', 'nice 0', 'softirq 0.02', 'steal 0', 'system 1', 'user 2'].map(
          (m) => `node_cpu_seconds_total{cpu="1",mode="${m.replace(' ', '"} ')}`,
        ),
        'node_cpu_guest_seconds_total{cpu="0",mode="user"} 0.02',
        'node_cpu_guest_seconds_total{cpu="0",mode="nice"} 0.01',
        'node_cpu_guest_seconds_total{cpu="1",mode="user"} 0',
        'node_cpu_guest_seconds_total{cpu="1",mode="nice"} 0',
        'node_cpu_isolated{cpu="1"} 1',
        'node_cpu_package_throttles_total{package="0"} 30',
        'node_cpu_core_throttles_total{core="0",package="0"} 5',
        'node_cpu_core_throttles_total{core="1",package="0"} 6',
      ],
    },
    {
      name: 'cpu',
      options: { cpuGuest: false },
      contains: ['node_cpu_seconds_total{cpu="1",mode="user"} 2'],
      absent: 'node_cpu_guest_seconds_total',
    },
    {
      name: 'vmstat',
      want: [
        'node_vmstat_pgpgin 826289',
        'node_vmstat_pgpgout 1.440228e+06',
        'node_vmstat_pswpin 0',
        'node_vmstat_pswpout 0',
        'node_vmstat_pgfault 1.1226406e+07',
        'node_vmstat_pgmajfault 841',
        'node_vmstat_oom_kill 2',
      ],
    },
    {
      name: 'netstat',
      want: [
        'node_netstat_TcpExt_SyncookiesSent 1',
        'node_netstat_TcpExt_ListenDrops 2',
        'node_netstat_TcpExt_TCPTimeouts 3',
        'node_netstat_IpExt_InOctets 100',
        'node_netstat_IpExt_OutOctets 200',
        'node_netstat_Ip_Forwarding 1',
        'node_netstat_Tcp_ActiveOpens 7',
        'node_netstat_Tcp_CurrEstab 4',
        'node_netstat_Tcp_InErrs 0',
        'node_netstat_Udp_InDatagrams 10',
        'node_netstat_Udp_NoPorts 2',
        'node_netstat_Udp_InErrors 1',
        'node_netstat_Ip6_InOctets 1234',
        'node_netstat_Udp6_InDatagrams 5',
        'node_netstat_Icmp6_InMsgs 3',
      ],
    },
    {
      name: 'pressure',
      want: [
        'node_pressure_cpu_waiting_seconds_total 86.917667',
        'node_pressure_io_waiting_seconds_total 3.290555',
        'node_pressure_io_stalled_seconds_total 2.87422',
        'node_pressure_memory_waiting_seconds_total 1.5',
        'node_pressure_memory_stalled_seconds_total 0.5',
      ],
    },
    {
      name: 'netdev',
      contains: [
        'node_network_receive_bytes_total{device="eth0"} 3.62596063e+08',
        'node_network_receive_errs_total{device="eth0"} 1',
        'node_network_receive_drop_total{device="eth0"} 2',
        'node_network_receive_fifo_total{device="eth0"} 3',
        'node_network_receive_frame_total{device="eth0"} 4',
        'node_network_receive_compressed_total{device="eth0"} 5',
        'node_network_receive_multicast_total{device="eth0"} 6',
        'node_network_receive_nohandler_total{device="eth0"} 3',
        'node_network_transmit_packets_total{device="eth0"} 12570',
        'node_network_transmit_colls_total{device="eth0"} 10',
        'node_network_transmit_carrier_total{device="eth0"} 11',
        'node_network_transmit_compressed_total{device="eth0"} 12',
        'node_network_receive_bytes_total{device="lo"} 1000',
        'node_network_receive_bytes_total{device="docker0"} 5',
      ],
      count: 16 * 3 + 1,
    },
    {
      name: 'netdev',
      options: { netdevDeviceExclude: '^(lo|docker.*)$' },
      contains: ['node_network_transmit_bytes_total{device="eth0"} 1.198966e+06'],
      absent: 'device="lo"',
      count: 17,
    },
    {
      name: 'diskstats',
      contains: [
        'node_disk_info{device="vda",major="254",minor="0",model="",path="",revision="",serial="",wwn=""} 1',
        'node_disk_read_bytes_total{device="vda"} 8.46119936e+08',
        'node_disk_read_time_seconds_total{device="vda"} 18.261',
        'node_disk_io_now{device="vda"} 0',
        'node_disk_discarded_sectors_total{device="vda"} 407704',
        'node_disk_flush_requests_total{device="vda"} 632',
        'node_disk_flush_requests_time_seconds_total{device="vda"} 0.522',
        'node_disk_io_time_weighted_seconds_total{device="sda"} 0.1',
        'node_disk_info{device="sda",major="8",minor="0",model="TOSHIBA_KSDB4U86",path="pci-0000:3b:00.0-sas-phy7-lun-0",revision="0102",serial="2160A0D5FVGG",wwn="0x7c72382b8de36a64"} 1',
        'node_disk_filesystem_info{device="sda",type="LVM2_member",usage="raid",uuid="c3C3uW-gD96-Yw69-c1CJ-5MwT-6ysM-mST0vB",version="LVM2 001"} 1',
        'node_disk_ata_write_cache{device="sda"} 1',
        'node_disk_ata_write_cache_enabled{device="sda"} 0',
        'node_disk_ata_rotation_rate_rpm{device="sda"} 7200',
      ],
      absent: 'vda1',
      // vda: info + 17 counters; sda: info + 11 counters + filesystem info + 3 ata.
      count: 18 + 12 + 1 + 3,
    },
    {
      name: 'sockstat',
      contains: [
        'node_sockstat_sockets_used 19',
        'node_sockstat_TCP_inuse 4',
        'node_sockstat_TCP_orphan 0',
        'node_sockstat_TCP_tw 1',
        'node_sockstat_TCP_alloc 5',
        'node_sockstat_TCP_mem 130',
        'node_sockstat_UDP_mem 3',
        'node_sockstat_FRAG_memory 0',
        'node_sockstat_TCP6_inuse 2',
        'node_sockstat_UDP6_inuse 1',
        'node_sockstat_FRAG6_memory 0',
      ],
      count: 1 + 6 + 3 + 1 + 1 + 2 + 1 + 1 + 1 + 1 + 2,
    },
    {
      name: 'os',
      want: [
        'node_os_info{build_id="rolling \\\\ build",id="ubuntu",id_like="debian",image_id="",image_version="",name="Ubuntu",pretty_name="Ubuntu 22.04.3 LTS",variant="",variant_id="",version="22.04.3 LTS (Jammy Jellyfish)",version_codename="jammy",version_id="22.04"} 1',
        'node_os_version{id="ubuntu",id_like="debian",name="Ubuntu"} 22.04',
      ],
    },
  ] as {
    name: string;
    options?: Partial<CollectorOptions>;
    want?: string[];
    contains?: string[];
    absent?: string;
    count?: number;
  }[])('$name $options', async ({ name, options, want, contains, absent, count }) => {
    const lines = await collect(name, options);
    if (want) expect([...lines].sort()).toEqual([...want].sort());
    if (contains) expect(lines).toEqual(expect.arrayContaining(contains));
    if (absent) expect(lines.filter((l) => l.includes(absent))).toEqual([]);
    if (count !== undefined) expect(lines).toHaveLength(count);
  });

  it('sockstat reports mem in pages and mem_bytes in bytes', async () => {
    const page = await pageSize();
    const lines = await collect('sockstat');
    expect(lines).toContain(`node_sockstat_TCP_mem_bytes ${130 * page}`);
    expect(lines).toContain(`node_sockstat_UDP_mem_bytes ${3 * page}`);
  });

  it('time reports the clock and the clock sources', async () => {
    const collector = (await import('./time.ts')).timeCollector(
      { paths, options: DEFAULT_COLLECTOR_OPTIONS },
      () => new Date(1_700_000_000_500),
    );
    const lines = sampleLines(await collector.collect());
    expect(lines).toEqual(
      expect.arrayContaining([
        'node_time_seconds 1.7000000005e+09',
        'node_time_clocksource_available_info{clocksource="tsc",device="0"} 1',
        'node_time_clocksource_available_info{clocksource="hpet",device="0"} 1',
        'node_time_clocksource_available_info{clocksource="acpi_pm",device="0"} 1',
        'node_time_clocksource_current_info{clocksource="tsc",device="0"} 1',
      ]),
    );
    expect(lines.filter((l) => l.startsWith('node_time_zone_offset_seconds{time_zone="'))).toHaveLength(1);
  });

  it('uname reports this kernel with upstream label names', async () => {
    const [line] = await collect('uname');
    expect(line).toMatch(
      /^node_uname_info\{domainname="[^"]*",machine="[^"]+",nodename="[^"]*",release="[^"]+",sysname="Linux",version="[^"]+"\} 1$/,
    );
  });

  it.each([
    'filefd',
    'loadavg',
    'meminfo',
    'stat',
    'cpu',
    'diskstats',
    'netdev',
    'netstat',
    'sockstat',
    'vmstat',
    'pressure',
    'os',
  ])('%s fails (so success is 0) when its source is missing', async (name) => {
    const empty = new HostPaths(`${host}/missing`, `${host}/missing`, `${host}/missing`, `${host}/missing`);
    const collector = COLLECTORS.get(name)!({ paths: empty, options: DEFAULT_COLLECTOR_OPTIONS });
    await expect(collector.collect()).rejects.toThrow();
  });
});
