;; WebAssembly SIMD twin of the tiled loop of pairwise-distances.ts: squared
;; Euclidean distances between client models, each pair's sum in float64 in
;; element order, bit for bit what the JavaScript loop computes
;; (`s += (x - v) * (x - v)`; no fused multiply-add).
;;
;; The driver copies a block of `rows` elements of every client into the
;; memory as float64, transposed: row j holds element j of clients 0..n-1 at
;; x + (j*width + k)*8, with `width` >= n + 7 columns whose extra ones are 0.
;; acc holds the running sums, row k at acc + k*width*8 (n + 1 rows). A lane
;; of an f64x2 is one pair (k, l), so each pair still adds its own elements
;; in order; 16 pairs (clients k and k+1 against l..l+7) share 6 loads per row.
;;
;; distances-wasm.ts embeds the compiled bytes (wabt, SIMD enabled: the
;; compileWat of scripts/build-simd.ts); robust-kernels.test.ts recompiles
;; this file and checks they match. The command that rewrites it is in its
;; header; never edit that file by hand.
(module
  (import "env" "memory" (memory 1))

  ;; Adds the block's contribution to acc[k][l] for every pair k < l < n (and
  ;; to some unused cells: the diagonal, which stays 0, and padding columns).
  (func (export "distanceBlock")
    (param $x i32) (param $rows i32) (param $n i32) (param $width i32) (param $acc i32)
    (local $k i32) (local $l i32)
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $l (i32.add (local.get $k) (i32.const 1)))
        (block $lDone
          (loop $lLoop
            (br_if $lDone (i32.ge_u (local.get $l) (local.get $n)))
            (call $tile (local.get $x) (local.get $rows) (local.get $width)
              (local.get $k) (local.get $l) (local.get $acc))
            (local.set $l (i32.add (local.get $l) (i32.const 8)))
            (br $lLoop)))
        (local.set $k (i32.add (local.get $k) (i32.const 2)))
        (br $kLoop))))

  ;; acc[k + r][l + c] += sum over the rows of (x[j][k + r] - x[j][l + c])^2
  ;; for r in {0, 1}, c in 0..7, rows in order.
  (func $tile
    (param $x i32) (param $rows i32) (param $width i32) (param $k i32) (param $l i32) (param $acc i32)
    (local $stride i32) (local $pk i32) (local $pl i32) (local $end i32) (local $pa i32) (local $pb i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $xk v128) (local $yk v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $d v128)
    (local.set $stride (i32.shl (local.get $width) (i32.const 3)))
    (local.set $pa (i32.add (local.get $acc)
      (i32.shl (i32.add (i32.mul (local.get $k) (local.get $width)) (local.get $l)) (i32.const 3))))
    (local.set $pb (i32.add (local.get $pa) (local.get $stride)))
    (local.set $a0 (v128.load offset=0 (local.get $pa)))
    (local.set $a1 (v128.load offset=16 (local.get $pa)))
    (local.set $a2 (v128.load offset=32 (local.get $pa)))
    (local.set $a3 (v128.load offset=48 (local.get $pa)))
    (local.set $b0 (v128.load offset=0 (local.get $pb)))
    (local.set $b1 (v128.load offset=16 (local.get $pb)))
    (local.set $b2 (v128.load offset=32 (local.get $pb)))
    (local.set $b3 (v128.load offset=48 (local.get $pb)))
    (local.set $pk (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 3))))
    (local.set $pl (i32.add (local.get $x) (i32.shl (local.get $l) (i32.const 3))))
    (local.set $end (i32.add (local.get $pk) (i32.mul (local.get $rows) (local.get $stride))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $pk) (local.get $end)))
        (local.set $xk (v128.load64_splat offset=0 (local.get $pk)))
        (local.set $yk (v128.load64_splat offset=8 (local.get $pk)))
        (local.set $v0 (v128.load offset=0 (local.get $pl)))
        (local.set $v1 (v128.load offset=16 (local.get $pl)))
        (local.set $v2 (v128.load offset=32 (local.get $pl)))
        (local.set $v3 (v128.load offset=48 (local.get $pl)))
        (local.set $d (f64x2.sub (local.get $xk) (local.get $v0)))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $xk) (local.get $v1)))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $xk) (local.get $v2)))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $xk) (local.get $v3)))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $yk) (local.get $v0)))
        (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $yk) (local.get $v1)))
        (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $yk) (local.get $v2)))
        (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (local.get $yk) (local.get $v3)))
        (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $pk (i32.add (local.get $pk) (local.get $stride)))
        (local.set $pl (i32.add (local.get $pl) (local.get $stride)))
        (br $row)))
    (v128.store offset=0 (local.get $pa) (local.get $a0))
    (v128.store offset=16 (local.get $pa) (local.get $a1))
    (v128.store offset=32 (local.get $pa) (local.get $a2))
    (v128.store offset=48 (local.get $pa) (local.get $a3))
    (v128.store offset=0 (local.get $pb) (local.get $b0))
    (v128.store offset=16 (local.get $pb) (local.get $b1))
    (v128.store offset=32 (local.get $pb) (local.get $b2))
    (v128.store offset=48 (local.get $pb) (local.get $b3)))
)
