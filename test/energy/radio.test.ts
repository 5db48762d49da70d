import { describe, expect, it } from 'vitest';
import {
  RADIO_MODEL_SETS,
  RADIO_MODELS,
  RADIO_TECHNOLOGIES,
  RadioMeter,
  type RadioModel,
} from '../../src/energy/radio.js';

const LTE_ARO = RADIO_MODEL_SETS.lte['att-aro'];

/** Round numbers so that every expected value below is easy to check by hand. */
const TOY: RadioModel = {
  promotionS: 1,
  promotionW: 2,
  alphaUpJPerBit: 1e-6,
  alphaDownJPerBit: 1e-7,
  betaW: 1,
  tailS: 5,
  tailW: 0.5,
  idleW: 0.1,
  sources: 'test model',
};

describe('RadioMeter on LTE (att-aro set)', () => {
  it('charges a burst from IDLE as promotion + transfer + tail + idle, worked by hand', () => {
    const meter = new RadioMeter(LTE_ARO);
    // Requested at t = 10 s while IDLE: 0.26 s promotion, data flows 10.26 .. 10.76 s.
    expect(meter.beginTransfer(10)).toBeCloseTo(0.26, 12);
    meter.endTransfer(10.76, 1e6, 0.2e6);
    const t = meter.timeInStates(60);
    const e = meter.energy(60);
    // Tail 10.76 .. 20.88 s (0.1 + 0.02 + 10 = 10.12 s); idle 0 .. 10 and 20.88 .. 60 s.
    expect(t.promotionS).toBeCloseTo(0.26, 9);
    expect(t.transferS).toBeCloseTo(0.5, 9);
    expect(t.tailS).toBeCloseTo(10.12, 9);
    expect(t.idleS).toBeCloseTo(49.12, 9);
    // Promotion: 0.26 s * 1.21 W = 0.3146 J.
    expect(e.promotionJ).toBeCloseTo(0.3146, 9);
    // Transfer: 438.39e-9 J/bit * 1e6 bit = 0.43839 J; 51.97e-9 * 0.2e6 = 0.010394 J;
    // beta 1.2 W * 0.5 s = 0.6 J; sum 1.048784 J.
    expect(e.transferJ).toBeCloseTo(1.048784, 9);
    // Tail: 0.1 s at beta 1.2 W = 0.12 J; short DRX 0.02 s at
    // (0.002 * 1.68 + 0.018 * 1.06) / 0.02 = 1.122 W = 0.02244 J; long DRX 10 s at
    // (0.002 * 1.68 + 0.038 * 1.06) / 0.04 = 1.091 W = 10.91 J; sum 11.05244 J.
    expect(e.tailJ).toBeCloseTo(11.05244, 9);
    // Idle: paging 0.043 s * 0.594 W / 1.28 s = 0.0199546875 W; * 49.12 s = 0.98017425 J.
    expect(e.idleJ).toBeCloseTo(0.98017425, 9);
    // Total: 0.3146 + 1.048784 + 11.05244 + 0.98017425 = 13.39599825 J.
    expect(e.totalJ).toBeCloseTo(13.39599825, 9);
  });

  it('starts every transfer requested during one promotion when that promotion ends', () => {
    const meter = new RadioMeter(LTE_ARO);
    // Promotion runs 10 .. 10.26 s; later requests wait only for what is left of it.
    expect(meter.beginTransfer(10)).toBeCloseTo(0.26, 12);
    expect(meter.beginTransfer(10.1)).toBeCloseTo(0.16, 12);
    expect(meter.beginTransfer(10.2)).toBeCloseTo(0.06, 12);
    expect(meter.beginTransfer(10.26)).toBe(0);
    const t = meter.timeInStates(10.26);
    expect(t.promotionS).toBeCloseTo(0.26, 12);
    expect(t.transferS).toBe(0);
  });
});

describe('RadioMeter state machine', () => {
  it('charges beta once over the union of overlapping transfers and alpha per bit', () => {
    const meter = new RadioMeter(TOY);
    expect(meter.beginTransfer(0)).toBe(1); // promotion 0 .. 1 s
    expect(meter.beginTransfer(1.5)).toBe(0);
    meter.endTransfer(3, 1e6, 0);
    meter.endTransfer(4, 0, 1e6);
    const e = meter.energy(9);
    // Active 1 .. 4 s = 3 s (not 2 + 2.5 s per flow): 3 s * 1 W + 1e6 * 1e-6 + 1e6 * 1e-7 = 4.1 J.
    expect(meter.timeInStates(9).transferS).toBe(3);
    expect(e.transferJ).toBeCloseTo(4.1, 12);
    // Promotion 1 s * 2 W = 2 J; tail 4 .. 9 s = 5 s * 0.5 W = 2.5 J; no idle time.
    expect(e.promotionJ).toBe(2);
    expect(e.tailJ).toBe(2.5);
    expect(e.idleJ).toBe(0);
  });

  it('starts the tail when the last of overlapping transfers ends', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0); // data from 1 s
    meter.beginTransfer(0.5);
    meter.endTransfer(2, 0, 0);
    meter.endTransfer(3, 0, 0);
    // Tail 3 .. 8 s, then idle.
    expect(meter.timeInStates(8)).toEqual({
      idleS: 0,
      promotionS: 1,
      transferS: 2,
      tailS: 5,
      offS: 0,
    });
    expect(meter.timeInStates(8.5).idleS).toBe(0.5);
  });

  it('ends the tail without promotion when a transfer begins in it, and restarts it after', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0); // promotion 0 .. 1, data 1 .. 2
    meter.endTransfer(2, 0, 0); // tail from 2 s
    expect(meter.beginTransfer(4)).toBe(0); // in the tail: no promotion
    meter.endTransfer(5, 0, 0); // tail again 5 .. 10 s
    const t = meter.timeInStates(12);
    // Tail 2 .. 4 and 5 .. 10 = 7 s; transfer 1 .. 2 and 4 .. 5 = 2 s; idle 10 .. 12 = 2 s.
    expect(t).toEqual({ idleS: 2, promotionS: 1, transferS: 2, tailS: 7, offS: 0 });
    // 0.1 * 2 + 2 * 1 + 1 * 2 + 0.5 * 7 = 0.2 + 2 + 2 + 3.5 = 7.7 J.
    expect(meter.energy(12).totalJ).toBeCloseTo(7.7, 12);
  });

  it('promotes again once the tail has run out', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0);
    meter.endTransfer(2, 0, 0); // tail 2 .. 7 s
    expect(meter.beginTransfer(7)).toBe(1);
  });

  it('lets a transfer aborted during promotion end with no bits, then tails after the promotion', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0);
    meter.endTransfer(0.5, 0, 0);
    // Promotion 0 .. 1 s completes, tail 1 .. 6 s, idle 6 .. 7 s.
    expect(meter.timeInStates(7)).toEqual({
      idleS: 1,
      promotionS: 1,
      transferS: 0,
      tailS: 5,
      offS: 0,
    });
  });

  it('rejects bits moved before the promotion ends', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0);
    expect(() => meter.endTransfer(0.5, 100, 0)).toThrow(RangeError);
  });

  it('draws nothing while off, cuts the tail, and comes back IDLE', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0); // promotion 0 .. 1, data 1 .. 2
    meter.endTransfer(2, 0, 0); // tail from 2 s
    meter.powerOff(3); // tail cut after 1 s
    meter.powerOn(10);
    expect(meter.beginTransfer(11)).toBe(1); // IDLE again: promotion
    expect(meter.timeInStates(11)).toEqual({
      idleS: 1,
      promotionS: 1,
      transferS: 1,
      tailS: 1,
      offS: 7,
    });
    // 2 * 1 + 1 * 1 + 0.5 * 1 + 0.1 * 1 = 3.6 J; the 7 s off cost nothing.
    expect(meter.energy(11).totalJ).toBeCloseTo(3.6, 12);
  });

  it('refuses to power off with an active transfer or to transfer while off', () => {
    const meter = new RadioMeter(TOY);
    meter.beginTransfer(0);
    expect(() => meter.powerOff(0.5)).toThrow(/active transfer/);
    meter.endTransfer(0.5, 0, 0);
    meter.powerOff(0.5);
    expect(() => meter.beginTransfer(1)).toThrow(/off/);
    expect(() => meter.endTransfer(1, 0, 0)).toThrow(/without an active transfer/);
  });

  it('throws a RangeError naming the values when time goes backwards', () => {
    const meter = new RadioMeter(TOY, 5);
    meter.energy(7);
    expect(() => meter.energy(6)).toThrow(/nowS\(=6\).*7/);
    expect(() => new RadioMeter(TOY, 5).beginTransfer(4)).toThrow(RangeError);
  });

  it('rejects a model with a negative or non-finite number', () => {
    expect(() => new RadioMeter({ ...TOY, tailS: -1 })).toThrow(/model\.tailS\(=-1\)/);
    expect(() => new RadioMeter({ ...TOY, betaW: Number.NaN })).toThrow(/model\.betaW/);
  });

  it('gives the same totals whether observed often or once', () => {
    const script = (meter: RadioMeter, observe: (nowS: number) => void) => {
      const d = meter.beginTransfer(1);
      observe(1 + d / 2);
      meter.endTransfer(2 + d, 1e5, 2e5);
      observe(4);
      meter.beginTransfer(5);
      meter.endTransfer(5.5, 0, 3e5);
      observe(20);
    };
    const once = new RadioMeter(TOY);
    script(once, () => {});
    const often = new RadioMeter(TOY);
    script(often, (nowS) => often.energy(nowS));
    expect(often.energy(30).totalJ).toBeCloseTo(once.energy(30).totalJ, 12);
  });
});

describe('RadioMeter energy conservation', () => {
  const everySet = RADIO_TECHNOLOGIES.flatMap((technology) =>
    Object.entries(RADIO_MODEL_SETS[technology]).map(
      ([name, model]) => [`${technology} ${name}`, model as RadioModel] as const,
    ),
  );
  it.each(everySet)(
    '%s: parts sum to the total, each part is power x time, times sum to the span',
    (_name, model) => {
      const startS = 5;
      const meter = new RadioMeter(model, startS);
      const a = meter.beginTransfer(6);
      const b = meter.beginTransfer(6.1);
      meter.endTransfer(6 + a + 0.4, 4e5, 1e6);
      meter.endTransfer(6.1 + b + 0.9, 2e4, 0);
      const c = meter.beginTransfer(9);
      const d = meter.beginTransfer(9);
      meter.endTransfer(9 + c + 0.2, 0, 5e5);
      meter.endTransfer(9 + d + 0.5, 1e3, 1e3);
      meter.powerOff(40);
      meter.powerOn(50);
      const nowS = 100;
      const t = meter.timeInStates(nowS);
      const e = meter.energy(nowS);
      const alphaJ =
        model.alphaUpJPerBit * (4e5 + 2e4 + 1e3) + model.alphaDownJPerBit * (1e6 + 5e5 + 1e3);
      expect(e.totalJ).toBeCloseTo(e.idleJ + e.promotionJ + e.transferJ + e.tailJ, 12);
      expect(e.idleJ).toBeCloseTo(model.idleW * t.idleS, 12);
      expect(e.promotionJ).toBeCloseTo(model.promotionW * t.promotionS, 12);
      expect(e.transferJ).toBeCloseTo(model.betaW * t.transferS + alphaJ, 12);
      expect(e.tailJ).toBeCloseTo(model.tailW * t.tailS, 12);
      expect(t.offS).toBe(10);
      expect(t.idleS + t.promotionS + t.transferS + t.tailS + t.offS).toBeCloseTo(nowS - startS, 9);
    },
  );
});

describe('RADIO_MODELS', () => {
  it('converts the LTE alphas from mW/Mbps to J/bit', () => {
    // 1 mW/Mbps = 1e-3 W / 1e6 bit/s = 1e-9 J/bit.
    expect(RADIO_MODELS.lte.alphaUpJPerBit).toBeCloseTo(438.39e-9, 18);
    expect(RADIO_MODELS.lte.alphaDownJPerBit).toBeCloseTo(51.97e-9, 18);
  });

  it('tags every estimated model [E] and shares one model for Wi-Fi 5 and 6', () => {
    for (const technology of ['wifi5', '5g', 'ethernet', 'lorawan', 'nbiot'] as const) {
      expect(RADIO_MODELS[technology].sources).toContain('[E]');
    }
    expect(RADIO_MODELS.lte.sources).toContain('[aro]');
    expect(RADIO_MODELS.wifi6).toBe(RADIO_MODELS.wifi5);
  });

  it('draws constant power on Ethernet whatever moves', () => {
    const meter = new RadioMeter(RADIO_MODELS.ethernet);
    expect(meter.beginTransfer(10)).toBe(0);
    meter.endTransfer(20, 8e9, 8e9);
    // 0.4 W for 100 s = 40 J.
    expect(meter.energy(100).totalJ).toBeCloseTo(40, 9);
  });

  it('sends LoRaWAN at once but keeps NB-IoT connected for a tail after a promotion', () => {
    expect(new RadioMeter(RADIO_MODELS.lorawan).beginTransfer(0)).toBe(0);
    const nbiot = new RadioMeter(RADIO_MODELS.nbiot);
    expect(nbiot.beginTransfer(0)).toBe(RADIO_MODELS.nbiot.promotionS);
    nbiot.endTransfer(3, 352, 0); // one 44-byte uplink
    expect(nbiot.timeInStates(100).tailS).toBe(RADIO_MODELS.nbiot.tailS);
  });
});
