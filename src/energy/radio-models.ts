/**
 * Radio power models per link technology, in the form of Huang et al.,
 * "A Close Examination of Performance and Power Characteristics of 4G LTE
 * Networks", MobiSys 2012: promotion, transfer at
 * alpha_u * tput_u + alpha_d * tput_d + beta, tail, idle.
 *
 * A technology with more than one published parameter set offers each by
 * name ({@link RADIO_MODEL_SETS}); a scenario picks one with its `radio:`
 * block (radio-spec.ts), else gets {@link DEFAULT_RADIO_MODELS}:
 * - LTE `huang2012`: the paper's Tables 3 and 4 (the default);
 *   `att-aro`: the defaults of AT&T's ARO, which implements the paper's
 *   model with rounded and partly different numbers (beta 1.2 W, a 10.12 s
 *   tail made of its DRX phases).
 * - Wi-Fi `huang2012`: the paper's Wi-Fi rows; `att-aro`: ARO's Wi-Fi
 *   profile (one active power, no per-bit term); `huang2012-aro-tail`: the
 *   paper's transfer model with ARO's tail and standby, the model edgesim
 *   has always used (the default, so Wi-Fi results do not move).
 * - Other technologies have one set, named after its source (`estimate`:
 *   edgesim's own, each number tagged).
 *
 * Tags follow docs/reference/hardware-data.md: [aro], [huang], [narayanan],
 * [ugwuanyi] = from that source; [D] = derived from sourced numbers (method in
 * the comment); [E] = estimate, not verified against a source. The Huang
 * figures below were checked against ARO where ARO has them, else they are
 * recalled from the paper's tables and tagged [E].
 *
 * [aro] is attdevsupport/ARO
 * `5.0.0/ARO.Core/src/main/java/com/att/aro/core/configuration/impl/ProfileFactoryImpl.java`
 * at commit 27dbbc357846ceaaba55948447d892d07b140ade (its `createLTE` and
 * `createWiFi` defaults; `ARODataAnalyzer/src/lte.conf` at
 * 86c3078f1b40a85ece6e17271ced3584a13918cb holds the same LTE numbers).
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

// Table 4 of Huang et al. (LTE uplink and downlink alphas), as ARO's defaults
// LTE_ALPHA_UP and LTE_ALPHA_DOWN [aro] also give them.
const LTE_ALPHA_UP_MW_PER_MBPS = 438.39;
const LTE_ALPHA_DOWN_MW_PER_MBPS = 51.97;

// LTE att-aro [aro]: after the last packet the radio stays in continuous
// reception for the 0.1 s inactivity timer at beta, then short DRX for 0.02 s,
// then long DRX for 10 s. A DRX cycle is a 2 ms ping at 1.68 W, the rest at the
// 1.06 W tail base. One tail phase with the same duration and energy replaces the three.
const ARO_LTE_BETA_W = 1.2;
const ARO_SHORT_DRX_W = (0.002 * 1.68 + 0.018 * 1.06) / 0.02; // 1.122 W
const ARO_LONG_DRX_W = (0.002 * 1.68 + 0.038 * 1.06) / 0.04; // 1.091 W
const ARO_LTE_TAIL_S = 0.1 + 0.02 + 10; // 10.12 s
const ARO_LTE_TAIL_J = 0.1 * ARO_LTE_BETA_W + 0.02 * ARO_SHORT_DRX_W + 10 * ARO_LONG_DRX_W; // 11.05244 J
// LTE idle [aro]: a 43 ms paging wake-up at 0.594 W every 1.28 s on a 0 W base,
// averaged over the cycle: 0.043 * 0.594 / 1.28 = 0.01995 W.
const ARO_LTE_IDLE_W = (0.043 * 0.594) / 1.28;

const LTE_ATT_ARO: RadioModel = {
  promotionS: 0.26,
  promotionW: 1.21,
  alphaUpJPerBit: jPerBit(LTE_ALPHA_UP_MW_PER_MBPS),
  alphaDownJPerBit: jPerBit(LTE_ALPHA_DOWN_MW_PER_MBPS),
  betaW: ARO_LTE_BETA_W,
  tailS: ARO_LTE_TAIL_S,
  tailW: ARO_LTE_TAIL_J / ARO_LTE_TAIL_S,
  idleW: ARO_LTE_IDLE_W,
  sources:
    'att-aro: ARO createLTE defaults [aro]: alpha_u 438.39, alpha_d 51.97 mW/Mbps, beta 1.2 W, ' +
    'promotion 0.26 s @ 1.21 W; tail [D] from [aro]: 0.1 s @ beta + 0.02 s short DRX ' +
    '(1.122 W) + 10 s long DRX (1.091 W), DRX ping 2 ms @ 1.68 W on a 1.06 W base = 10.12 s, ' +
    '11.05244 J; idle [D] from [aro]: paging 43 ms @ 0.594 W every 1.28 s = 19.95 mW',
};

// LTE huang2012: Huang et al. Table 3 (promotion, tail, idle) and Table 4
// (alphas, beta). The tail is one phase of T_tail at the tail base power, as
// the paper's energy model charges it. Idle: the RRC_IDLE paging on-duration
// T_on = 43.2 ms at 594.3 mW once per paging cycle T_pi = 1280.2 ms, averaged:
// 0.0432 * 0.5943 / 1.2802 = 0.020054 W. The paper's figures were not found in
// a stored copy (only its abstract), so all but the alphas are tagged [E];
// ARO's rounded defaults agree with each of them except beta and the tail time.
const LTE_HUANG_2012: RadioModel = {
  promotionS: 0.2601,
  promotionW: 1.2107,
  alphaUpJPerBit: jPerBit(LTE_ALPHA_UP_MW_PER_MBPS),
  alphaDownJPerBit: jPerBit(LTE_ALPHA_DOWN_MW_PER_MBPS),
  betaW: 1.28804,
  tailS: 11.576,
  tailW: 1.06,
  idleW: (0.0432 * 0.5943) / 1.2802,
  sources:
    'huang2012: Huang et al. MobiSys 2012 Table 4: alpha_u 438.39, alpha_d 51.97 mW/Mbps ' +
    '(as [aro]), beta 1288.04 mW [E]; Table 3: promotion 260.1 ms @ 1210.7 mW [E] ' +
    '([aro] 0.26 s @ 1.21 W), tail 11576 ms @ 1060.0 mW [E] ([aro] tail base 1.06 W), ' +
    'idle [D] from paging 43.2 ms @ 594.3 mW every 1280.2 ms [E] = 20.05 mW',
};

// Huang et al. Table 4, Wi-Fi row: alpha_u, alpha_d, beta [E] (recalled).
const WIFI_HUANG_TRANSFER = {
  alphaUpJPerBit: jPerBit(283.17),
  alphaDownJPerBit: jPerBit(137.01),
  betaW: 0.13286,
} as const;

// Wi-Fi huang2012 [E], Huang et al. Tables 3 and 4: promotion 79.1 ms at
// 124.4 mW, tail 238.1 ms at 119.3 mW; idle: a 7.6 ms beacon wake-up at
// 77.2 mW every 308.2 ms, averaged: 0.0076 * 0.0772 / 0.3082 = 1.904 mW.
const WIFI_HUANG_2012: RadioModel = {
  promotionS: 0.0791,
  promotionW: 0.1244,
  ...WIFI_HUANG_TRANSFER,
  tailS: 0.2381,
  tailW: 0.1193,
  idleW: (0.0076 * 0.0772) / 0.3082,
  sources:
    'huang2012, all [E] (recalled from Huang et al. MobiSys 2012): Table 4 alpha_u 283.17, ' +
    'alpha_d 137.01 mW/Mbps, beta 132.86 mW; Table 3 promotion 79.1 ms @ 124.4 mW, ' +
    'tail 238.1 ms @ 119.3 mW, idle [D] beacon 7.6 ms @ 77.2 mW every 308.2 ms = 1.904 mW',
};

// Wi-Fi att-aro [aro]: ARO charges one active power, 0.403 W, while data flows
// and through the 0.25 s tail, and 0.02 W on standby; no per-bit term, no promotion.
const WIFI_ATT_ARO: RadioModel = {
  promotionS: 0,
  promotionW: 0,
  alphaUpJPerBit: 0,
  alphaDownJPerBit: 0,
  betaW: 0.403,
  tailS: 0.25,
  tailW: 0.403,
  idleW: 0.02,
  sources:
    'att-aro: ARO createWiFi defaults [aro]: active 0.403 W while transferring and over the ' +
    '0.25 s tail, standby 0.02 W; no per-bit term, no promotion',
};

// Wi-Fi huang2012-aro-tail: Huang's transfer model with ARO's tail and standby,
// edgesim's Wi-Fi model before named sets existed.
const WIFI_HUANG_ARO_TAIL: RadioModel = {
  promotionS: 0,
  promotionW: 0,
  ...WIFI_HUANG_TRANSFER,
  tailS: 0.25,
  tailW: 0.403,
  idleW: 0.02,
  sources:
    'huang2012-aro-tail: alpha_u 283.17, alpha_d 137.01 mW/Mbps, beta 132.86 mW [E] ' +
    '(Huang Table 4, recalled); tail 0.25 s @ 0.403 W, standby 0.02 W [aro]; no promotion; ' +
    'Wi-Fi 5 and 6 share this model [E]',
};

// 5G NR [E]: LTE's form with a higher base power and cheaper bits. The alphas
// are chosen so that energy per bit, alpha + beta / tput, equals LTE's at the
// crossovers Narayanan et al. report (187 Mbps down, 189 Mbps up):
// alpha5 = alphaLTE + (betaLTE - beta5) / crossover, in mW/Mbps and mW. It was
// derived from the att-aro LTE set (beta 1.2 W, ARO's idle) and stays so,
// whichever LTE set a scenario picks.
const NR_BETA_MW = 2000;
const NR: RadioModel = {
  promotionS: 0.1,
  promotionW: 1.5,
  alphaUpJPerBit: jPerBit(LTE_ALPHA_UP_MW_PER_MBPS + (ARO_LTE_BETA_W * 1000 - NR_BETA_MW) / 189),
  alphaDownJPerBit: jPerBit(
    LTE_ALPHA_DOWN_MW_PER_MBPS + (ARO_LTE_BETA_W * 1000 - NR_BETA_MW) / 187,
  ),
  betaW: NR_BETA_MW / 1000,
  tailS: 5,
  tailW: 1.3,
  idleW: ARO_LTE_IDLE_W,
  sources:
    'all [E]: beta 2.0 W (above LTE att-aro 1.2 W); alphas [D] so energy/bit matches LTE att-aro at the ' +
    '187 / 189 Mbps down/up crossovers [narayanan] (434.16 / 47.69 mW/Mbps); promotion 0.1 s @ 1.5 W ' +
    '(resume from RRC_INACTIVE); tail 5 s @ 1.3 W (SA RRC_INACTIVE shortens tails [narayanan], ' +
    'wider-band monitoring than LTE 1.06 W); idle = LTE att-aro paging average',
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

/** The published parameter sets of one technology, by name. */
type ModelSets = Readonly<Record<string, RadioModel>>;

const freezeSets = <S extends ModelSets>(sets: S): S =>
  Object.freeze(
    Object.fromEntries(Object.entries(sets).map(([name, m]) => [name, Object.freeze({ ...m })])),
  ) as S;

const wifiSets = freezeSets({
  huang2012: WIFI_HUANG_2012,
  'att-aro': WIFI_ATT_ARO,
  'huang2012-aro-tail': WIFI_HUANG_ARO_TAIL,
});

/**
 * Every technology's radio models, by parameter-set name; see each model's
 * `sources` for its numbers. Wi-Fi 5 and 6 share their sets.
 */
export const RADIO_MODEL_SETS = Object.freeze({
  ethernet: freezeSets({ estimate: ETHERNET }),
  wifi5: wifiSets,
  wifi6: wifiSets,
  lte: freezeSets({ huang2012: LTE_HUANG_2012, 'att-aro': LTE_ATT_ARO }),
  '5g': freezeSets({ estimate: NR }),
  lorawan: freezeSets({ estimate: LORAWAN }),
  nbiot: freezeSets({ estimate: NBIOT }),
} as const satisfies Record<RadioTechnology, ModelSets>);

/** The technologies with a radio model, in scenario order. */
export const RADIO_TECHNOLOGIES = Object.keys(RADIO_MODEL_SETS) as RadioTechnology[];

/** The names of technology `T`'s parameter sets. */
export type RadioModelName<T extends RadioTechnology> = keyof (typeof RADIO_MODEL_SETS)[T] & string;

/** The parameter set each technology uses when a scenario names none. */
export const DEFAULT_RADIO_MODELS: { readonly [T in RadioTechnology]: RadioModelName<T> } =
  Object.freeze({
    ethernet: 'estimate',
    wifi5: 'huang2012-aro-tail',
    wifi6: 'huang2012-aro-tail',
    lte: 'huang2012',
    '5g': 'estimate',
    lorawan: 'estimate',
    nbiot: 'estimate',
  });

/** One radio model per technology: what a run's radios draw. */
export type RadioModels = Readonly<Record<RadioTechnology, RadioModel>>;

/** A choice of parameter set per technology (a scenario's `radio:` block); absent: the default. */
export type RadioChoice = {
  readonly [T in RadioTechnology]?: { readonly model: RadioModelName<T> };
};

function choose(choice: RadioChoice): RadioModels {
  const models = {} as Record<RadioTechnology, RadioModel>;
  for (const technology of RADIO_TECHNOLOGIES) {
    const sets: ModelSets = RADIO_MODEL_SETS[technology];
    const name = choice[technology]?.model ?? DEFAULT_RADIO_MODELS[technology];
    const model = sets[name];
    if (model === undefined) {
      throw new RangeError(
        `radio.${technology}.model(=${JSON.stringify(name)}) must be one of: ${Object.keys(sets).join(', ')}`,
      );
    }
    models[technology] = model;
  }
  return Object.freeze(models);
}

/** The default radio model of each technology ({@link DEFAULT_RADIO_MODELS}). */
export const RADIO_MODELS: RadioModels = choose({});

/**
 * The radio model of each technology for a scenario's `radio:` block: the set
 * it names, else the default. Returns {@link RADIO_MODELS} itself when the
 * block chooses nothing. Throws a RangeError naming the technology, the name
 * and the names allowed for a name that is not a set (the schema rejects
 * those first).
 */
export function radioModels(choice: RadioChoice = {}): RadioModels {
  return RADIO_TECHNOLOGIES.some((t) => choice[t] !== undefined) ? choose(choice) : RADIO_MODELS;
}
