//===- DPSTrainingOps.td - ops of the update and eval kernels -*- tablegen -*-===//
//
// The optimizer step, its learning rate and evaluation's predictions.
// Included from DPSOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_DIALECT_DPS_IR_DPSTRAININGOPS_TD
#define DPS_DIALECT_DPS_IR_DPSTRAININGOPS_TD

def DPS_LearningRateOp : DPS_Op<"learning_rate", [Pure]> {
  let summary = "The learning rate of an optimizer step under a schedule";
  let description = [{
    The schedule's learning rate at optimizer step `step` (0-based) of
    `total_steps`, from the optimizer's base rate `base`; both counts are
    known only at run time (see `#dps.lr_schedule`). Computed in f64 and
    rounded to f32 once.

    ```mlir
    %lr = dps.learning_rate %step, %total schedule <cosine> base 5.000000e-02
    ```
  }];
  let arguments = (ins I64:$step, I64:$total_steps,
                       DPS_LRScheduleAttr:$schedule, F64Attr:$base);
  let results = (outs F32:$result);
  let assemblyFormat = [{
    $step `,` $total_steps `schedule` $schedule `base` $base attr-dict
  }];
}

def DPS_OptimizerStepOp : DPS_InferredOp<"optimizer_step", [
    AllTypesMatch<["param", "grad", "new_param"]>]> {
  let summary = "One optimizer update of a parameter from its gradient";
  let description = [{
    Applies `optimizer` to the f32 master weights `param` given the
    accumulated gradient `grad` times `grad_scale` (1 / the number of samples
    it sums over), the learning rate `lr` and the 0-based step; returns the
    updated parameter and optimizer state (`state` holds as many tensors of
    the parameter's type as the optimizer keeps: SGD with momentum its
    momentum buffer, Adam its two moment estimates). The arithmetic follows
    PyTorch's `torch.optim.SGD` and `torch.optim.Adam`.

    ```mlir
    %w1, %m1, %v1 = dps.optimizer_step %w, %g state(%m, %v : tensor<4x3xf32>, tensor<4x3xf32>)
        lr %lr step %t scale %s using(#dps.adam<lr = 1.000000e-03>) : tensor<4x3xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$param, DPS_FloatTensor:$grad,
      Variadic<DPS_FloatTensor>:$state, F32:$lr, I64:$step, F32:$grad_scale,
      DPS_OptimizerAttrInterface:$optimizer);
  let results = (outs DPS_FloatTensor:$new_param,
                      Variadic<DPS_FloatTensor>:$new_state);
  let assemblyFormat = [{
    $param `,` $grad (`state` `(` $state^ `:` type($state) `)`)? `lr` $lr
    `step` $step `scale` $grad_scale `using` `(` $optimizer `)` attr-dict `:`
    type($param)
  }];
  let hasVerifier = 1;
}

def DPS_ArgmaxOp : DPS_InferredOp<"argmax"> {
  let summary = "The index of each row's largest element";
  let description = [{
    `result[n] = argmax_c input[n, c]` as i32, the first index on ties; the
    class a classifier predicts. NaN elements are never the maximum.

    ```mlir
    %p = dps.argmax %logits : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$input);
  let results = (outs TensorRankOf<[I32], [1]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DPS_AmaxOp : DPS_Op<"amax", [Pure]> {
  let summary = "The largest magnitude in a tensor";
  let description = [{
    `max |x|` over all elements, as f32 (NaN if any element is NaN): the
    statistic per-tensor f8 scaling divides the format's range by.

    ```mlir
    %a = dps.amax %x : tensor<?x256xbf16>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs F32:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DPS_AllFiniteOp : DPS_Op<"all_finite", [Pure]> {
  let summary = "Whether no element of a tensor is infinite or NaN";
  let description = [{
    True when every element is finite: low-precision gradient kernels report
    an overflow (and the step is skipped) when a gradient is not.

    ```mlir
    %ok = dps.all_finite %g : tensor<784x256xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs I1:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DPS_PackVNNIOp : DPS_InferredOp<"pack_vnni", [
    AllElementTypesMatch<["matrix", "packed"]>]> {
  let summary = "A matrix's rows interleaved in pairs (the VNNI layout)";
  let description = [{
    `packed[k2, n, v] = matrix[2 * k2 + v, n]`: each pair of rows of a
    K x N matrix (K even) interleaved, so that the two values of each column
    a dot-product instruction multiplies together (`vdpbf16ps`, AMX's
    `tdpbf16ps`) lie side by side. A refresh kernel writes a rung's copy of
    a layer's weights this way once per optimizer step, and every gradient
    kernel call reads it as it is (`dps-specialize-precision{vnni-copies}`).

    ```mlir
    %p = dps.pack_vnni %w : tensor<784x256xbf16>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$matrix);
  let results = (outs DPS_FloatTensor:$packed);
  let assemblyFormat = "$matrix attr-dict `:` type($matrix)";
}

def DPS_UnpackVNNIOp : DPS_InferredOp<"unpack_vnni", [
    AllElementTypesMatch<["packed", "matrix"]>]> {
  let summary = "The matrix a VNNI-packed tensor holds";
  let description = [{
    The inverse of `dps.pack_vnni`: `matrix[k, n] = packed[k / 2, n, k % 2]`
    of a K/2 x N x 2 tensor. A gradient kernel reads its VNNI-packed
    parameter copies through it; the contractions lowered from it read the
    packed tensor directly where their tiles take pairs of rows.

    ```mlir
    %w = dps.unpack_vnni %p : tensor<392x256x2xbf16>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$packed);
  let results = (outs DPS_Float2DTensor:$matrix);
  let assemblyFormat = "$packed attr-dict `:` type($packed)";
}

#endif // DPS_DIALECT_DPS_IR_DPSTRAININGOPS_TD
