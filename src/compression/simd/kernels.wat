;; WebAssembly SIMD (v128) twins of the hot loops of the compression kernels.
;;
;; Each function computes, bit for bit, what its JavaScript reference computes
;; (named in its comment); `test/compression/simd.test.ts` compares the two on
;; random and adversarial inputs. The drivers (`quantize.ts`, `fp16.ts` and
;; `prune.ts` in this folder) copy a chunk of the caller's array into the
;; imported memory, call a kernel on it and copy the result out.
;;
;; Pointers are byte addresses in the memory; counts are elements. v128 loads
;; and stores need no alignment. Per-channel kernels walk `rows` rows of
;; `channels` elements (the channel is the index within the row) beside arrays
;; indexed by channel; each row is done 16, then 4 lanes at a time, then one.
;;
;; Compile with `npm run build:simd` (scripts/build-simd.ts), which rewrites
;; `kernels-wasm.ts`; never edit that file by hand.
(module
  (import "env" "memory" (memory 1))

  ;; How many mask bytes the last `split` set to 1.
  (global $kept (export "kept") (mut i32) (i32.const 0))
;; Vector constants. They are mutable globals only so that V8 (Node 20)
  ;; loads them once, before a loop: it rebuilds a v128.const or a splat of a
  ;; constant inside the loop on every iteration (three instructions each;
  ;; toHalf took 10 ms for 10 M values that way, 5 ms this way).
  (global $c_abs (mut v128) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
  (global $c_magic (mut v128) (v128.const f64x2 6755399441055744 6755399441055744))
  (global $c_lowByte (mut v128) (v128.const i32x4 0xff 0xff 0xff 0xff))
  (global $c_oneBytes (mut v128) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1))
  (global $c_bias (mut v128) (v128.const i32x4 0x38000000 0x38000000 0x38000000 0x38000000))
  (global $c_roundingBias (mut v128) (v128.const i32x4 0xfff 0xfff 0xfff 0xfff))
  (global $c_one (mut v128) (v128.const i32x4 1 1 1 1))
  (global $c_oneHalf (mut v128) (v128.const i32x4 0x3f000000 0x3f000000 0x3f000000 0x3f000000))
  (global $c_belowNormal (mut v128) (v128.const i32x4 0x387fffff 0x387fffff 0x387fffff 0x387fffff))
  (global $c_infinity (mut v128) (v128.const i32x4 0x7c00 0x7c00 0x7c00 0x7c00))
  (global $c_infinityBits (mut v128) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
  (global $c_nan (mut v128) (v128.const i32x4 0x7e00 0x7e00 0x7e00 0x7e00))
  (global $c_signBit (mut v128) (v128.const i32x4 0x8000 0x8000 0x8000 0x8000))

  ;; acc[c] = max(acc[c], bits of |w|) over the float32 rows at src: the bits of
  ;; a magnitude (sign cleared) order like the magnitudes, NaN above +Infinity,
  ;; so an integer max does it (channelMaxAbs in quantize-kernels.ts).
  (func (export "maxAbs")
    (param $src i32) (param $rows i32) (param $channels i32) (param $acc i32)
    (local $end i32) (local $rowEnd i32) (local $end16 i32) (local $end4 i32)
    (local $p i32) (local $a i32) (local $abs v128)
    (local.set $abs (global.get $c_abs))
    (local.set $end
      (i32.add (local.get $src)
        (i32.shl (i32.mul (local.get $rows) (local.get $channels)) (i32.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $p (local.get $src))
        (local.set $a (local.get $acc))
        (local.set $rowEnd (i32.add (local.get $src) (i32.shl (local.get $channels) (i32.const 2))))
        (local.set $end16
          (i32.add (local.get $src)
            (i32.shl (i32.and (local.get $channels) (i32.const -16)) (i32.const 2))))
        (local.set $end4
          (i32.add (local.get $src)
            (i32.shl (i32.and (local.get $channels) (i32.const -4)) (i32.const 2))))
        (block $done16
          (loop $by16
            (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
            (v128.store offset=0 (local.get $a)
              (i32x4.max_s (v128.load offset=0 (local.get $a))
                (v128.and (v128.load offset=0 (local.get $p)) (local.get $abs))))
            (v128.store offset=16 (local.get $a)
              (i32x4.max_s (v128.load offset=16 (local.get $a))
                (v128.and (v128.load offset=16 (local.get $p)) (local.get $abs))))
            (v128.store offset=32 (local.get $a)
              (i32x4.max_s (v128.load offset=32 (local.get $a))
                (v128.and (v128.load offset=32 (local.get $p)) (local.get $abs))))
            (v128.store offset=48 (local.get $a)
              (i32x4.max_s (v128.load offset=48 (local.get $a))
                (v128.and (v128.load offset=48 (local.get $p)) (local.get $abs))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (local.set $a (i32.add (local.get $a) (i32.const 64)))
            (br $by16)))
        (block $done4
          (loop $by4
            (br_if $done4 (i32.ge_u (local.get $p) (local.get $end4)))
            (v128.store (local.get $a)
              (i32x4.max_s (v128.load (local.get $a))
                (v128.and (v128.load (local.get $p)) (local.get $abs))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $by4)))
        (block $done1
          (loop $by1
            (br_if $done1 (i32.ge_u (local.get $p) (local.get $rowEnd)))
            (i32.store (local.get $a)
              (call $maxS (i32.load (local.get $a))
                (i32.and (i32.load (local.get $p)) (i32.const 0x7fffffff))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (br $by1)))
        (local.set $src (local.get $rowEnd))
        (br $row))))

  ;; dst[i] = int8(w × inverse[c] rounded to nearest, ties to even), no clamp
  ;; (roundSymmetric in quantize-kernels.ts). The product is float64 as in
  ;; JavaScript; adding 1.5 × 2^52 rounds it to an integer that then sits in
  ;; the low mantissa bits, two's complement, so the low byte of the sum is the
  ;; integer modulo 256: exactly the JavaScript `w * k + magic - magic` stored
  ;; to an Int8Array, for every |w × inverse| < 2^51. The low 32 bits of four
  ;; sums are gathered into one vector (a two-input 32-bit shuffle, one
  ;; instruction), cut to their low byte and narrowed without saturating.
  (func (export "roundSymmetric")
    (param $src i32) (param $rows i32) (param $channels i32) (param $inverse i32) (param $dst i32)
    (local $end i32) (local $rowEnd i32) (local $end16 i32) (local $end4 i32)
    (local $p i32) (local $k i32) (local $magic v128) (local $lowByte v128)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    (local.set $magic (global.get $c_magic))
    (local.set $lowByte (global.get $c_lowByte))
    (local.set $end
      (i32.add (local.get $src)
        (i32.shl (i32.mul (local.get $rows) (local.get $channels)) (i32.const 2))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $p (local.get $src))
        (local.set $k (local.get $inverse))
        (local.set $rowEnd (i32.add (local.get $src) (i32.shl (local.get $channels) (i32.const 2))))
        (local.set $end16
          (i32.add (local.get $src)
            (i32.shl (i32.and (local.get $channels) (i32.const -16)) (i32.const 2))))
        (local.set $end4
          (i32.add (local.get $src)
            (i32.shl (i32.and (local.get $channels) (i32.const -4)) (i32.const 2))))
        (block $done16
          (loop $by16
            (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
            (local.set $g0 (v128.load offset=0 (local.get $p)))
            (local.set $g0
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.add
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g0))
                    (v128.load offset=0 (local.get $k)))
                  (local.get $magic))
                (f64x2.add
                  (f64x2.mul
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g0) (local.get $g0)))
                    (v128.load offset=16 (local.get $k)))
                  (local.get $magic))))
            (local.set $g1 (v128.load offset=16 (local.get $p)))
            (local.set $g1
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.add
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g1))
                    (v128.load offset=32 (local.get $k)))
                  (local.get $magic))
                (f64x2.add
                  (f64x2.mul
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g1) (local.get $g1)))
                    (v128.load offset=48 (local.get $k)))
                  (local.get $magic))))
            (local.set $g2 (v128.load offset=32 (local.get $p)))
            (local.set $g2
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.add
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g2))
                    (v128.load offset=64 (local.get $k)))
                  (local.get $magic))
                (f64x2.add
                  (f64x2.mul
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g2) (local.get $g2)))
                    (v128.load offset=80 (local.get $k)))
                  (local.get $magic))))
            (local.set $g3 (v128.load offset=48 (local.get $p)))
            (local.set $g3
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.add
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g3))
                    (v128.load offset=96 (local.get $k)))
                  (local.get $magic))
                (f64x2.add
                  (f64x2.mul
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g3) (local.get $g3)))
                    (v128.load offset=112 (local.get $k)))
                  (local.get $magic))))
            (v128.store (local.get $dst)
              (i8x16.narrow_i16x8_u
                (i16x8.narrow_i32x4_u
                  (v128.and (local.get $g0) (local.get $lowByte))
                  (v128.and (local.get $g1) (local.get $lowByte)))
                (i16x8.narrow_i32x4_u
                  (v128.and (local.get $g2) (local.get $lowByte))
                  (v128.and (local.get $g3) (local.get $lowByte)))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (local.set $k (i32.add (local.get $k) (i32.const 128)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $by16)))
        (block $done4
          (loop $by4
            (br_if $done4 (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $g0 (v128.load offset=0 (local.get $p)))
            (local.set $g0
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
                (f64x2.add
                  (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g0))
                    (v128.load offset=0 (local.get $k)))
                  (local.get $magic))
                (f64x2.add
                  (f64x2.mul
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g0) (local.get $g0)))
                    (v128.load offset=16 (local.get $k)))
                  (local.get $magic))))
            (local.set $g0 (v128.and (local.get $g0) (local.get $lowByte)))
            (local.set $g0 (i16x8.narrow_i32x4_u (local.get $g0) (local.get $g0)))
            (i32.store (local.get $dst)
              (i32x4.extract_lane 0 (i8x16.narrow_i16x8_u (local.get $g0) (local.get $g0))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br $by4)))
        (block $done1
          (loop $by1
            (br_if $done1 (i32.ge_u (local.get $p) (local.get $rowEnd)))
            (i32.store8 (local.get $dst)
              (i32.wrap_i64
                (i64.reinterpret_f64
                  (f64.add
                    (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.load (local.get $k)))
                    (f64.const 6755399441055744)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $k (i32.add (local.get $k) (i32.const 8)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
            (br $by1)))
        (local.set $src (local.get $rowEnd))
        (br $row))))

    ;; dst[i] = float32(q − zeroPoint[c]) × scale[c] in float32, q int8 (scaleBack
  ;; in quantize-kernels.ts). JavaScript multiplies in float64 and rounds to
  ;; float32 on the store; while |q − zeroPoint| < 2^24 that float64 product is
  ;; exact, so both round the same exact product once (the driver checks the
  ;; zero points).
  (func (export "scaleBack")
    (param $src i32) (param $rows i32) (param $channels i32)
    (param $scales i32) (param $zeroPoints i32) (param $dst i32)
    (local $end i32) (local $rowEnd i32) (local $end16 i32) (local $end4 i32)
    (local $p i32) (local $s i32) (local $z i32) (local $bytes v128) (local $half v128)
    (local.set $end (i32.add (local.get $src) (i32.mul (local.get $rows) (local.get $channels))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $p (local.get $src))
        (local.set $s (local.get $scales))
        (local.set $z (local.get $zeroPoints))
        (local.set $rowEnd (i32.add (local.get $src) (local.get $channels)))
        (local.set $end16
          (i32.add (local.get $src) (i32.and (local.get $channels) (i32.const -16))))
        (local.set $end4 (i32.add (local.get $src) (i32.and (local.get $channels) (i32.const -4))))
        (block $done16
          (loop $by16
            (br_if $done16 (i32.ge_u (local.get $p) (local.get $end16)))
            (local.set $bytes (v128.load (local.get $p)))
            (local.set $half (i16x8.extend_low_i8x16_s (local.get $bytes)))
            (v128.store offset=0 (local.get $dst)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.extend_low_i16x8_s (local.get $half))
                    (v128.load offset=0 (local.get $z))))
                (v128.load offset=0 (local.get $s))))
            (v128.store offset=16 (local.get $dst)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.extend_high_i16x8_s (local.get $half))
                    (v128.load offset=16 (local.get $z))))
                (v128.load offset=16 (local.get $s))))
            (local.set $half (i16x8.extend_high_i8x16_s (local.get $bytes)))
            (v128.store offset=32 (local.get $dst)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.extend_low_i16x8_s (local.get $half))
                    (v128.load offset=32 (local.get $z))))
                (v128.load offset=32 (local.get $s))))
            (v128.store offset=48 (local.get $dst)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.extend_high_i16x8_s (local.get $half))
                    (v128.load offset=48 (local.get $z))))
                (v128.load offset=48 (local.get $s))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $s (i32.add (local.get $s) (i32.const 64)))
            (local.set $z (i32.add (local.get $z) (i32.const 64)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
            (br $by16)))
        (block $done4
          (loop $by4
            (br_if $done4 (i32.ge_u (local.get $p) (local.get $end4)))
            (v128.store (local.get $dst)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.sub
                    (i32x4.extend_low_i16x8_s
                      (i16x8.extend_low_i8x16_s (v128.load32_zero (local.get $p))))
                    (v128.load (local.get $z))))
                (v128.load (local.get $s))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $by4)))
        (block $done1
          (loop $by1
            (br_if $done1 (i32.ge_u (local.get $p) (local.get $rowEnd)))
            (f32.store (local.get $dst)
              (f32.mul
                (f32.convert_i32_s
                  (i32.sub (i32.load8_s (local.get $p)) (i32.load (local.get $z))))
                (f32.load (local.get $s))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $z (i32.add (local.get $z) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (br $by1)))
        (local.set $src (local.get $rowEnd))
        (br $row))))

  ;; dst[i] = fp16 bits of the float32 bits src[i], rounded to nearest even
  ;; (halfFromSingleBits in fp16.ts), eight lanes at a time, without branches:
  ;; - normal halves come from the integer formula of the JavaScript;
  ;; - subnormal ones (|x| < 2^-14) from adding 0.5 in float32: the sum's ulp
  ;;   is 2^-24, the fp16 subnormal step, so the hardware rounds |x| to a
  ;;   multiple of it (ties to even) and the sum's low bits are the half's;
  ;;   below 2^-25 that gives 0, as the JavaScript's early return;
  ;; - from 2^16 up the formula gives 0x7c00 (Infinity) or more, so a min
  ;;   caps it at Infinity, and a max lifts NaN lanes to 0x7e00.
  (func (export "toHalf") (param $src i32) (param $n i32) (param $dst i32)
    (local $end i32) (local $end8 i32)
    (local $f v128) (local $a v128) (local $r v128) (local $h0 v128) (local $h1 v128)
    (local $abs v128) (local $bias v128) (local $roundingBias v128) (local $one v128)
    (local $oneHalf v128) (local $belowNormal v128) (local $infinity v128)
    (local $infinityBits v128) (local $nan v128) (local $signBit v128)
    (local.set $abs (global.get $c_abs))
    (local.set $bias (global.get $c_bias))
    (local.set $roundingBias (global.get $c_roundingBias))
    (local.set $one (global.get $c_one))
    ;; 0.5f, whose bits are also what the subnormal case subtracts
    (local.set $oneHalf (global.get $c_oneHalf))
    ;; the bits just below 2^-14, the smallest normal half
    (local.set $belowNormal (global.get $c_belowNormal))
    (local.set $infinity (global.get $c_infinity))
    (local.set $infinityBits (global.get $c_infinityBits))
    (local.set $nan (global.get $c_nan))
    (local.set $signBit (global.get $c_signBit))
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end8
      (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $by8
        (br_if $done8 (i32.ge_u (local.get $src) (local.get $end8)))
        (local.set $f (v128.load offset=0 (local.get $src)))
        (local.set $a (v128.and (local.get $f) (local.get $abs)))
        (local.set $r (i32x4.sub (local.get $a) (local.get $bias)))
        (local.set $h0
          (v128.bitselect
            (i32x4.shr_u
              (i32x4.add
                (i32x4.add (local.get $r) (local.get $roundingBias))
                (v128.and (i32x4.shr_u (local.get $r) (i32.const 13)) (local.get $one)))
              (i32.const 13))
            (i32x4.sub (f32x4.add (local.get $a) (local.get $oneHalf)) (local.get $oneHalf))
            (i32x4.gt_s (local.get $a) (local.get $belowNormal))))
        (local.set $h0
          (v128.or
            (i32x4.max_s
              (i32x4.min_s (local.get $h0) (local.get $infinity))
              (v128.and (i32x4.gt_s (local.get $a) (local.get $infinityBits)) (local.get $nan)))
            (v128.and (i32x4.shr_u (local.get $f) (i32.const 16)) (local.get $signBit))))
        (local.set $f (v128.load offset=16 (local.get $src)))
        (local.set $a (v128.and (local.get $f) (local.get $abs)))
        (local.set $r (i32x4.sub (local.get $a) (local.get $bias)))
        (local.set $h1
          (v128.bitselect
            (i32x4.shr_u
              (i32x4.add
                (i32x4.add (local.get $r) (local.get $roundingBias))
                (v128.and (i32x4.shr_u (local.get $r) (i32.const 13)) (local.get $one)))
              (i32.const 13))
            (i32x4.sub (f32x4.add (local.get $a) (local.get $oneHalf)) (local.get $oneHalf))
            (i32x4.gt_s (local.get $a) (local.get $belowNormal))))
        (local.set $h1
          (v128.or
            (i32x4.max_s
              (i32x4.min_s (local.get $h1) (local.get $infinity))
              (v128.and (i32x4.gt_s (local.get $a) (local.get $infinityBits)) (local.get $nan)))
            (v128.and (i32x4.shr_u (local.get $f) (i32.const 16)) (local.get $signBit))))
        ;; Every lane is at most 0xffff, so the saturating narrow keeps it.
        (v128.store (local.get $dst) (i16x8.narrow_i32x4_u (local.get $h0) (local.get $h1)))
        (local.set $src (i32.add (local.get $src) (i32.const 32)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $by8)))
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $src) (local.get $end)))
        (i32.store16 (local.get $dst) (call $half (i32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 2)))
        (br $by1))))

  ;; The pass of magnitude pruning over n float32 bits at src (Bracket.split in
  ;; magnitude-select.ts): mask[i] = 1 when |w| > high, else 0; and where
  ;; low <= |w| <= high (bits, sign cleared; low <= high), lists base + i in
  ;; indices and |w| in keys. Returns how many it listed; $kept gets the number
  ;; of 1s written. With $withPruned set it also writes pruned[i] = w where
  ;; |w| >= low (above or inside the bracket), +0 below: the pruned copy, bar
  ;; the listed weights that the caller then prunes.
  (func (export "split")
    (param $src i32) (param $n i32) (param $low i32) (param $high i32)
    (param $mask i32) (param $indices i32) (param $keys i32) (param $base i32)
    (param $pruned i32) (param $withPruned i32)
    (result i32)
    (local $i i32) (local $end16 i32) (local $found i32) (local $kept i32)
    (local $inside i32) (local $j i32) (local $m i32) (local $word i32)
    (local $abs v128) (local $oneBytes v128) (local $lowV v128) (local $highV v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128) (local $keep v128)
    (local.set $abs (global.get $c_abs))
    (local.set $oneBytes (global.get $c_oneBytes))
    (local.set $lowV (i32x4.splat (local.get $low)))
    (local.set $highV (i32x4.splat (local.get $high)))
    (local.set $end16 (i32.and (local.get $n) (i32.const -16)))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.ge_u (local.get $i) (local.get $end16)))
        (local.set $m
          (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $m0 (v128.and (v128.load offset=0 (local.get $m)) (local.get $abs)))
        (local.set $m1 (v128.and (v128.load offset=16 (local.get $m)) (local.get $abs)))
        (local.set $m2 (v128.and (v128.load offset=32 (local.get $m)) (local.get $abs)))
        (local.set $m3 (v128.and (v128.load offset=48 (local.get $m)) (local.get $abs)))
        ;; Magnitudes are below 2^31, so signed compares order them. Lanes
        ;; narrow from all-ones or zero words to all-ones or zero bytes.
        (local.set $keep
          (i8x16.narrow_i16x8_s
            (i16x8.narrow_i32x4_s
              (i32x4.gt_s (local.get $m0) (local.get $highV))
              (i32x4.gt_s (local.get $m1) (local.get $highV)))
            (i16x8.narrow_i32x4_s
              (i32x4.gt_s (local.get $m2) (local.get $highV))
              (i32x4.gt_s (local.get $m3) (local.get $highV)))))
        (v128.store (i32.add (local.get $mask) (local.get $i))
          (v128.and (local.get $keep) (local.get $oneBytes)))
        (local.set $kept
          (i32.add (local.get $kept) (i32.popcnt (i8x16.bitmask (local.get $keep)))))
        ;; below the bracket: |w| < low
        (local.set $b0 (i32x4.gt_s (local.get $lowV) (local.get $m0)))
        (local.set $b1 (i32x4.gt_s (local.get $lowV) (local.get $m1)))
        (local.set $b2 (i32x4.gt_s (local.get $lowV) (local.get $m2)))
        (local.set $b3 (i32x4.gt_s (local.get $lowV) (local.get $m3)))
        (if (local.get $withPruned)
          (then
            (local.set $j (i32.add (local.get $pruned) (i32.shl (local.get $i) (i32.const 2))))
            (v128.store offset=0 (local.get $j)
              (v128.andnot (v128.load offset=0 (local.get $m)) (local.get $b0)))
            (v128.store offset=16 (local.get $j)
              (v128.andnot (v128.load offset=16 (local.get $m)) (local.get $b1)))
            (v128.store offset=32 (local.get $j)
              (v128.andnot (v128.load offset=32 (local.get $m)) (local.get $b2)))
            (v128.store offset=48 (local.get $j)
              (v128.andnot (v128.load offset=48 (local.get $m)) (local.get $b3)))))
        ;; Inside the bracket: neither above nor below (about 3% of weights).
        (local.set $inside
          (i32.xor (i32.const 0xffff)
            (i8x16.bitmask
              (v128.or (local.get $keep)
                (i8x16.narrow_i16x8_s
                  (i16x8.narrow_i32x4_s (local.get $b0) (local.get $b1))
                  (i16x8.narrow_i32x4_s (local.get $b2) (local.get $b3)))))))
        (block $listed
          (loop $list
            (br_if $listed (i32.eqz (local.get $inside)))
            (local.set $j (i32.add (local.get $i) (i32.ctz (local.get $inside))))
            (i32.store
              (i32.add (local.get $indices) (i32.shl (local.get $found) (i32.const 2)))
              (i32.add (local.get $base) (local.get $j)))
            (i32.store
              (i32.add (local.get $keys) (i32.shl (local.get $found) (i32.const 2)))
              (i32.and
                (i32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2))))
                (i32.const 0x7fffffff)))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))
            (local.set $inside
              (i32.and (local.get $inside) (i32.sub (local.get $inside) (i32.const 1))))
            (br $list)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $by16)))
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $word
          (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $m (i32.and (local.get $word) (i32.const 0x7fffffff)))
        (local.set $j (i32.gt_s (local.get $m) (local.get $high)))
        (i32.store8 (i32.add (local.get $mask) (local.get $i)) (local.get $j))
        (local.set $kept (i32.add (local.get $kept) (local.get $j)))
        (if (local.get $withPruned)
          (then
            (i32.store (i32.add (local.get $pruned) (i32.shl (local.get $i) (i32.const 2)))
              (select (local.get $word) (i32.const 0)
                (i32.ge_s (local.get $m) (local.get $low))))))
        (if (i32.le_u (i32.sub (local.get $m) (local.get $low)) (i32.sub (local.get $high) (local.get $low)))
          (then
            (i32.store
              (i32.add (local.get $indices) (i32.shl (local.get $found) (i32.const 2)))
              (i32.add (local.get $base) (local.get $i)))
            (i32.store
              (i32.add (local.get $keys) (i32.shl (local.get $found) (i32.const 2)))
              (local.get $m))
            (local.set $found (i32.add (local.get $found) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $by1)))
    (global.set $kept (local.get $kept))
    (local.get $found))

  ;; dst[i] = src[i] where mask[i] != 0, else +0 (applyMask in prune.ts): each
  ;; mask byte widened to an all-ones or all-zeros lane and ANDed with the bits.
  (func (export "applyMask") (param $src i32) (param $mask i32) (param $n i32) (param $dst i32)
    (local $end i32) (local $end16 i32) (local $nonzero v128) (local $half v128)
    (local.set $end (i32.add (local.get $mask) (local.get $n)))
    (local.set $end16 (i32.add (local.get $mask) (i32.and (local.get $n) (i32.const -16))))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.ge_u (local.get $mask) (local.get $end16)))
        (local.set $nonzero
          (v128.not (i8x16.eq (v128.load (local.get $mask)) (v128.const i32x4 0 0 0 0))))
        (local.set $half (i16x8.extend_low_i8x16_s (local.get $nonzero)))
        (v128.store offset=0 (local.get $dst)
          (v128.and (v128.load offset=0 (local.get $src)) (i32x4.extend_low_i16x8_s (local.get $half))))
        (v128.store offset=16 (local.get $dst)
          (v128.and (v128.load offset=16 (local.get $src)) (i32x4.extend_high_i16x8_s (local.get $half))))
        (local.set $half (i16x8.extend_high_i8x16_s (local.get $nonzero)))
        (v128.store offset=32 (local.get $dst)
          (v128.and (v128.load offset=32 (local.get $src)) (i32x4.extend_low_i16x8_s (local.get $half))))
        (v128.store offset=48 (local.get $dst)
          (v128.and (v128.load offset=48 (local.get $src)) (i32x4.extend_high_i16x8_s (local.get $half))))
        (local.set $mask (i32.add (local.get $mask) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br $by16)))
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $mask) (local.get $end)))
        (i32.store (local.get $dst)
          (select (i32.load (local.get $src)) (i32.const 0) (i32.load8_u (local.get $mask))))
        (local.set $mask (i32.add (local.get $mask) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $by1))))

(func $maxS (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))

  ;; fp16 bits of the float32 bits f: one lane of toHalf.
  (func $half (param $f i32) (result i32)
    (local $a i32) (local $r i32) (local $h i32)
    (local.set $a (i32.and (local.get $f) (i32.const 0x7fffffff)))
    (local.set $r (i32.sub (local.get $a) (i32.const 0x38000000)))
    (local.set $h
      (select
        (i32.shr_u
          (i32.add (i32.add (local.get $r) (i32.const 0xfff))
            (i32.and (i32.shr_u (local.get $r) (i32.const 13)) (i32.const 1)))
          (i32.const 13))
        (i32.sub
          (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (local.get $a)) (f32.const 0.5)))
          (i32.const 0x3f000000))
        (i32.gt_s (local.get $a) (i32.const 0x387fffff))))
    (local.set $h
      (select (i32.const 0x7c00) (local.get $h) (i32.gt_s (local.get $h) (i32.const 0x7c00))))
    (i32.or
      (select (i32.const 0x7e00) (local.get $h) (i32.gt_s (local.get $a) (i32.const 0x7f800000)))
      (i32.and (i32.shr_u (local.get $f) (i32.const 16)) (i32.const 0x8000)))))
