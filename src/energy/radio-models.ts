/**
 * Radio power models per link technology, in the form of Huang et al.,
 * "A Close Examination of Performance and Power Characteristics of 4G LTE
 * Networks", MobiSys 2012, as implemented by AT&T's ARO
 * (`ProfileFactoryImpl.java`): promotion, transfer at
 * alpha_u * tput_u + alpha_d * tput_d + beta, tail, idle.
 *
 * Tags follow docs/reference/hardware-data.md: [aro], [huang], [narayanan],
 * [ugwuanyi] = from that source; [D] = derived from sourced numbers (method in
 * the comment); [E] = estimate, not verified against a source.
 */

/** Link technologies that have a radio power model. */
export type RadioTechnology = 'ethernet' | 'wifi5' | 'wifi6' | 'lte' | '5g' | 'lorawan' | 'nbiot';

/**
 * Power parameters of one radio. While at least one transfer is active the
 * radio draws `betaW` plus `alphaUpJPerBit` per bit sent and `alphaDownJPerBit`
 * per bit received (Huang's alpha in mW/Mbps equals 1e-9 J/bit).
 */
export interface RadioModel {
  /** Time from IDLE until data can flow (s); 0 when the radio has no promotion. */
  readonly promotionS: number;
  /** Power during promotion (W). */
  readonly promotionW: number;
  /** Energy per bit sent, on top of `betaW` (J/bit). */
  readonly alphaUpJPerBit: number;
  /** Energy per bit received, on top of `betaW` (J/bit). */
  readonly alphaDownJPerBit: number;
  /** Base power while any transfer is active (W). */
  readonly betaW: number;
  /** Time the radio stays in its tail after the last transfer ends (s). */
  readonly tailS: number;
  /** Average power over the tail (W). */
  readonly tailW: number;
  /** Average power while idle (W). */
  readonly idleW: number;
  /** Where each number comes from, with reference tags. */
  readonly sources: string;
}

/** Converts Huang's mW/Mbps into J/bit: 1e-3 W / 1e6 bit/s = 1e-9 J/bit. */
const jPerBit = (mWPerMbps: number): number => mWPerMbps * 1e-9;

// LTE [aro]: after the last packet the radio stays in continuous reception for
// the 0.1 s inactivity timer at beta, then short DRX for 0.02 s, then long DRX
// for 10 s. A DRX cycle is a 2 ms ping at 1.68 W, the rest at the 1.06 W tail
// base. One tail phase with the same duration and energy replaces the three.
const LTE_BETA_W = 1.2;
const LTE_SHORT_DRX_W = (0.002 * 1.68 + 0.018 * 1.06) / 0.02; // 1.122 W
const LTE_LONG_DRX_W = (0.002 * 1.68 + 0.038 * 1.06) / 0.04; // 1.091 W
const LTE_TAIL_S = 0.1 + 0.02 + 10; // 10.12 s
const LTE_TAIL_J = 0.1 * LTE_BETA_W + 0.02 * LTE_SHORT_DRX_W + 10 * LTE_LONG_DRX_W; // 11.05244 J
// LTE idle [aro]: a 43 ms paging wake-up at 0.594 W every 1.28 s on a 0 W base,
// averaged over the cycle: 0.043 * 0.594 / 1.28 = 0.01995 W.
const LTE_IDLE_W = (0.043 * 0.594) / 1.28;

const LTE: RadioModel = {
  promotionS: 0.26,
  promotionW: 1.21,
  alphaUpJPerBit: jPerBit(438.39),
  alphaDownJPerBit: jPerBit(51.97),
  betaW: LTE_BETA_W,
  tailS: LTE_TAIL_S,
  tailW: LTE_TAIL_J / LTE_TAIL_S,
  idleW: LTE_IDLE_W,
  sources:
    'alpha_u 438.39, alpha_d 51.97 mW/Mbps, beta 1.2 W (ARO default; Huang paper 1288.04 mW [E]), ' +
    'promotion 0.26 s @ 1.21 W [aro]; tail [D] from [aro]: 0.1 s @ beta + 0.02 s short DRX ' +
    '(1.122 W) + 10 s long DRX (1.091 W), DRX ping 2 ms @ 1.68 W on a 1.06 W base = 10.12 s, ' +
    '11.05244 J; idle [D] from [aro]: paging 43 ms @ 0.594 W every 1.28 s = 19.95 mW',
};

// Wi-Fi: no promotion; ARO charges its 0.403 W active power for the 0.25 s
// tail. Huang's Wi-Fi alphas and beta are recalled, not verified.
const WIFI: RadioModel = {
  promotionS: 0,
  promotionW: 0,
  alphaUpJPerBit: jPerBit(283.17),
  alphaDownJPerBit: jPerBit(137.01),
  betaW: 0.13286,
  tailS: 0.25,
  tailW: 0.403,
  idleW: 0.02,
  sources:
    'alpha_u 283.17, alpha_d 137.01 mW/Mbps, beta 132.86 mW [E] (Huang Table 4, recalled); ' +
    'tail 0.25 s @ 0.403 W, standby 0.02 W [aro]; no promotion; Wi-Fi 5 and 6 share this model [E]',
};

// 5G NR [E]: LTE's form with a higher base power and cheaper bits. The alphas
// are chosen so that energy per bit, alpha + beta / tput, equals LTE's at the
// crossovers Narayanan et al. report (187 Mbps down, 189 Mbps up):
// alpha5 = alphaLTE + (betaLTE - beta5) / crossover, in mW/Mbps and mW.
const NR_BETA_MW = 2000;
const NR: RadioModel = {
  promotionS: 0.1,
  promotionW: 1.5,
  alphaUpJPerBit: jPerBit(438.39 + (LTE_BETA_W * 1000 - NR_BETA_MW) / 189),
  alphaDownJPerBit: jPerBit(51.97 + (LTE_BETA_W * 1000 - NR_BETA_MW) / 187),
  betaW: NR_BETA_MW / 1000,
  tailS: 5,
  tailW: 1.3,
  idleW: LTE_IDLE_W,
  sources:
    'all [E]: beta 2.0 W (above LTE 1.2 W); alphas [D] so energy/bit matches LTE at the ' +
    '187 / 189 Mbps down/up crossovers [narayanan] (434.16 / 47.69 mW/Mbps); promotion 0.1 s @ 1.5 W ' +
    '(resume from RRC_INACTIVE); tail 5 s @ 1.3 W (SA RRC_INACTIVE shortens tails [narayanan], ' +
    'wider-band monitoring than LTE 1.06 W); idle = LTE paging average',
};

// Ethernet [E]: a 1000BASE-T PHY with link up draws about the same power
// whether or not frames flow, so idle and transfer power are equal.
const ETHERNET: RadioModel = {
  promotionS: 0,
  promotionW: 0,
  alphaUpJPerBit: 0,
  alphaDownJPerBit: 0,
  betaW: 0.4,
  tailS: 0,
  tailW: 0,
  idleW: 0.4,
  sources: 'constant 0.4 W NIC/PHY power with link up [E]; no promotion, no tail',
};

// LoRaWAN class A [E], SX127x-class radio at 3.3 V. No connection: a transfer is
// airtime, charged at TX power (a downlink is charged the same: an overestimate,
// downlinks are rare and short). The tail covers the receive windows RX1 (1 s
// after the uplink) and RX2 (2 s): two 50 ms listens at 10.8 mA, 1.95 s of
// standby at 1.6 mA in between.
const LORA_V = 3.3;
const LORA_TAIL_S = 2.05;
const LORA_TAIL_J = (2 * 0.05 * 10.8e-3 + 1.95 * 1.6e-3) * LORA_V;
const LORAWAN: RadioModel = {
  promotionS: 0,
  promotionW: 0,
  alphaUpJPerBit: 0,
  alphaDownJPerBit: 0,
  betaW: 90e-3 * LORA_V,
  tailS: LORA_TAIL_S,
  tailW: LORA_TAIL_J / LORA_TAIL_S,
  idleW: 0.2e-6 * LORA_V,
  sources:
    'all [E], SX127x-class at 3.3 V: TX 90 mA = 0.297 W while a transfer is active; ' +
    'tail 2.05 s = RX1/RX2 windows (1 s / 2 s [lora]) as 2 x 50 ms @ 10.8 mA + 1.95 s standby @ 1.6 mA; ' +
    'sleep 0.2 uA; no promotion',
};

// NB-IoT [E], module at 3.6 V. Connected: the receiver monitors at 0.152 W
// (beta); each bit sent adds the TX-over-RX power for its airtime at the
// nominal ~60 kbps uplink. Repetitions for coverage are not modelled, so bad
// coverage costs more: [ugwuanyi] measured +1.7 mAh per 44-B uplink over LoRaWAN.
const NB_RX_W = 0.152;
const NB_TX_W = 0.8;
const NBIOT: RadioModel = {
  promotionS: 1,
  promotionW: 0.2,
  alphaUpJPerBit: (NB_TX_W - NB_RX_W) / 60e3,
  alphaDownJPerBit: 0,
  betaW: NB_RX_W,
  tailS: 20,
  tailW: NB_RX_W,
  idleW: 10e-6,
  sources:
    'all [E], module at 3.6 V: RX/monitoring 0.152 W (beta), TX 0.8 W (~220 mA, 23 dBm), ' +
    'alpha_u = (0.8 - 0.152) W / 60 kbps nominal uplink [E]; promotion 1 s @ 0.2 W ' +
    '(random access + RRC setup, about one measured 837 ms RTT [ugwuanyi]); tail = RRC ' +
    'inactivity timer 20 s @ RX power (no connected-mode DRX); PSM sleep ~10 uW. ' +
    'Measured cost is higher in bad coverage: +1.7 mAh per 44-B uplink vs LoRaWAN [ugwuanyi]',
};

const freeze = (model: RadioModel): RadioModel => Object.freeze({ ...model });

const wifi = freeze(WIFI);

/** The built-in radio model of each technology; see each `sources` for the numbers. */
export const RADIO_MODELS: Readonly<Record<RadioTechnology, RadioModel>> = Object.freeze({
  ethernet: freeze(ETHERNET),
  wifi5: wifi,
  wifi6: wifi,
  lte: freeze(LTE),
  '5g': freeze(NR),
  lorawan: freeze(LORAWAN),
  nbiot: freeze(NBIOT),
});
