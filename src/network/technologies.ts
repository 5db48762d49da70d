import type { NetworkInterface } from '../vocabulary/network-interface.js';

/**
 * Default figures of each access technology: the capacity of one access
 * point or cell (shared by the devices attached to it), its round-trip time
 * and packet loss. A scenario's `cells` entry may override any of them.
 * Sources are in `docs/reference/hardware-data.md` section 5; [E] marks
 * an estimate.
 */
export interface Technology {
  /** Uplink capacity of one cell / access point, bit/s (shared by its devices). */
  uplinkBps: number;
  /** Downlink capacity of one cell / access point, bit/s. */
  downlinkBps: number;
  /** Round-trip time from device to the first server behind the cell, s. */
  rttS: number;
  /** Packet loss probability; transfers carry 1 / (1 - loss) times their bytes. */
  loss: number;
  /**
   * Fraction of time a device may transmit (regulatory duty cycle): after an
   * uplink of t seconds it waits t * (1/dutyCycle - 1) before the next. 1 = none.
   */
  dutyCycle: number;
  source: string;
}

export const TECHNOLOGIES: Readonly<Record<NetworkInterface, Technology>> = {
  ethernet: {
    uplinkBps: 940e6,
    downlinkBps: 940e6,
    rttS: 0.0005,
    loss: 0,
    dutyCycle: 1,
    source: '1 GbE measured 938-943 Mbps (iperf3) [sbc]; RTT <1 ms LAN [E]',
  },
  wifi5: {
    uplinkBps: 200e6,
    downlinkBps: 268e6,
    rttS: 0.003,
    loss: 0.001,
    dutyCycle: 1,
    source:
      'SBCs measured 108-268 Mbps on 802.11ac [sbc]; uplink 200 Mbps [E]; RTT 2-5 ms [E]; loss [E]',
  },
  wifi6: {
    uplinkBps: 650e6,
    downlinkBps: 925e6,
    rttS: 0.003,
    loss: 0.001,
    dutyCycle: 1,
    source: 'mini-PCs measured 651-925 Mbps on 802.11ax [sbc]; RTT 2-5 ms [E]; loss [E]',
  },
  lte: {
    uplinkBps: 9e6,
    downlinkBps: 97.1e6,
    rttS: 0.031,
    loss: 0.005,
    dutyCycle: 1,
    source:
      'US mobile median 97.1/9.0 Mbps, 31 ms (Q3 2023) [ookla]; LTE 2012 median 13/6 Mbps [huang]; loss [E]',
  },
  '5g': {
    uplinkBps: 21e6,
    downlinkBps: 166e6,
    rttS: 0.05,
    loss: 0.002,
    dutyCycle: 1,
    source: '5G NR global median 166/21 Mbps, 50 ms multi-server (Q3 2021) [ookla]; loss [E]',
  },
  lorawan: {
    uplinkBps: 5470,
    downlinkBps: 5470,
    rttS: 1,
    loss: 0.01,
    dutyCycle: 0.01,
    source:
      'LoRa SF7/125 kHz 5.47 kbps (0.3-27 kbps SF12-SF7) [lora, E]; EU868 1% duty cycle [E]; RX1 window 1 s after uplink [E]',
  },
  nbiot: {
    uplinkBps: 60e3,
    downlinkBps: 26e3,
    rttS: 0.837,
    loss: 0.01,
    dutyCycle: 1,
    source: 'spec ~26 kbps DL / ~60 kbps UL [E]; measured RTT 837 ms [ugwuanyi]; loss [E]',
  },
};
