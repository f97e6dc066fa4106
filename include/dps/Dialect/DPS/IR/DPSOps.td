//===- DPSOps.td - dps operations --------------------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSOPS_TD
#define DPS_DIALECT_DPS_IR_DPSOPS_TD

include "dps/Dialect/DPS/IR/DPSAttrs.td"
include "dps/Dialect/DPS/IR/DPSInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class DPS_Op<string mnemonic, list<Trait> traits = []>
    : Op<DPS_Dialect, mnemonic, traits>;

/// A pure op whose result type follows from its operands and attributes.
class DPS_InferredOp<string mnemonic, list<Trait> traits = []>
    : DPS_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

//===----------------------------------------------------------------------===//
// Layer ops
//===----------------------------------------------------------------------===//

def DPS_DenseOp : DPS_InferredOp<"dense", [
    AllElementTypesMatch<["input", "weight"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Fully connected layer: input x weight + bias";
  let description = [{
    `result[n, m] = sum_k input[n, k] * weight[k, m] + bias[m]` for an input
    of shape `N x K`, a weight `K x M` and an optional bias `M`. The batch
    dimension `N` may be dynamic.

    ```mlir
    %y = dps.dense %x, %w, %b : tensor<?x784xf32>, tensor<784x256xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$input, DPS_Float2DTensor:$weight,
                       Optional<DPS_Float1DTensor>:$bias);
  let results = (outs DPS_Float2DTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,` type($weight)
    (`,` type($bias)^)?
  }];
}

def DPS_Conv2DOp : DPS_InferredOp<"conv2d", [
    AllElementTypesMatch<["input", "filter"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "2-D convolution, NHWC input and HWIO filter";
  let description = [{
    Convolves an `N x H x W x C` input with a `KH x KW x C x F` filter (plus an
    optional bias `F`) into `N x OH x OW x F`, where
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    and likewise for OW. `padding` is `[top, left, bottom, right]`.

    ```mlir
    %y = dps.conv2d %x, %f, %b padding = [1, 1, 1, 1]
        : tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>
    ```
  }];
  let arguments = (ins DPS_Float4DTensor:$input, DPS_Float4DTensor:$filter,
      Optional<DPS_Float1DTensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs DPS_Float4DTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? (`dilations` `=` $dilations^)? attr-dict
    `:` type($input) `,` type($filter) (`,` type($bias)^)?
  }];
}

class DPS_Pool2DOp<string mnemonic, string what> : DPS_InferredOp<mnemonic, [
    AllElementTypesMatch<["input", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "2-D " # what # " pooling over an NHWC tensor";
  let description = [{
    Pools each `kernel` window of an `N x H x W x C` input (padded by
    `[top, left, bottom, right]`, moving by `strides`) into one value of an
    `N x OH x OW x C` result, `OH = (H + pad_top + pad_bottom - KH) / stride_h + 1`.
  }];
  let results = (outs DPS_Float4DTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? attr-dict `:` type($input)
  }];
}

def DPS_MaxPool2DOp : DPS_Pool2DOp<"max_pool2d", "max"> {
  let description = [{
    The maximum of each `kernel` window of an `N x H x W x C` input, padded
    by `[top, left, bottom, right]` (padding is never a maximum), moving by
    `strides`; `dilations` spread the window's taps apart (ONNX's MaxPool
    dilations), so a window spans `dilation * (kernel - 1) + 1` rows.

    ```mlir
    %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
    ```
  }];
  let arguments = (ins DPS_Float4DTensor:$input, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? (`dilations` `=` $dilations^)? attr-dict
    `:` type($input)
  }];
}

def DPS_AvgPool2DOp : DPS_Pool2DOp<"avg_pool2d", "average"> {
  let description = [{
    Averages each `kernel` window of an `N x H x W x C` input. Padded positions
    count towards the divisor only with `count_include_pad`.

    ```mlir
    %y = dps.avg_pool2d %x kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
    ```
  }];
  let arguments = (ins DPS_Float4DTensor:$input, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      UnitAttr:$count_include_pad);
}

class DPS_ActivationOp<string mnemonic, string formula>
    : DPS_Op<mnemonic, [Pure, SameOperandsAndResultType, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Elementwise " # formula;
  let description = [{
    Applies `}] # formula # [{` to every element.

    ```mlir
    %y = dps.}] # mnemonic # [{ %x : tensor<?x256xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DPS_ReluOp : DPS_ActivationOp<"relu", "max(x, 0)">;
def DPS_SigmoidOp : DPS_ActivationOp<"sigmoid", "1 / (1 + exp(-x))">;
def DPS_TanhOp : DPS_ActivationOp<"tanh", "tanh(x)">;

def DPS_FlattenOp : DPS_InferredOp<"flatten", [
    AllElementTypesMatch<["input", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Collapses a tensor to rank 2 around an axis";
  let description = [{
    Reshapes `d0 x ... x d(r-1)` into `(d0 * ... * d(axis-1)) x
    (d(axis) * ... * d(r-1))`, ONNX's Flatten; `axis` defaults to 1, keeping
    the batch dimension. Elements keep their row-major order.

    ```mlir
    %y = dps.flatten %x : tensor<?x7x7x32xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs DPS_Float2DTensor:$result);
  let assemblyFormat = "$input (`axis` `=` $axis^)? attr-dict `:` type($input)";
}

def DPS_TransposeOp : DPS_InferredOp<"transpose", [
    AllElementTypesMatch<["input", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Permutes a tensor's dimensions";
  let description = [{
    Dimension `d` of the result is dimension `permutation[d]` of the input,
    as in ONNX's and NumPy's transpose.
    The ONNX importer uses it to move NCHW activations to dps's NHWC.

    ```mlir
    %y = dps.transpose %x permutation = [0, 2, 3, 1] : tensor<?x1x28x28xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat =
      "$input `permutation` `=` $permutation attr-dict `:` type($input)";
  let hasFolder = 1;
}

class DPS_SoftmaxLikeOp<string mnemonic, string formula>
    : DPS_Op<mnemonic, [Pure, SameOperandsAndResultType,
                        DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = formula # " along one axis";
  let description = [{
    `}] # formula # [{` over the elements along `axis` (negative counts
    from the last dimension), computed in f32 with the maximum subtracted
    first, so large inputs do not overflow.

    ```mlir
    %y = dps.}] # mnemonic # [{ %x axis = 1 : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input, I64Attr:$axis);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `axis` counted from the front.
    int64_t getNormalizedAxis() {
      auto axis = static_cast<int64_t>(getAxis());
      return axis < 0 ? axis + getInput().getType().getRank() : axis;
    }
  }];
}

def DPS_SoftmaxOp : DPS_SoftmaxLikeOp<"softmax", "exp(x) / sum(exp(x))">;
def DPS_LogSoftmaxOp : DPS_SoftmaxLikeOp<"log_softmax", "x - log(sum(exp(x)))">;

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def DPS_SoftmaxCrossEntropyOp : DPS_InferredOp<"softmax_cross_entropy", [
    AllElementTypesMatch<["logits", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Per-sample softmax cross-entropy of logits against class labels";
  let description = [{
    `result[n] = logsumexp(logits[n, :]) - logits[n, labels[n]]`: one loss
    per sample, not a batch mean, so the runtime can bucket samples by loss.
    A label outside `[0, C)` yields a NaN loss.

    ```mlir
    %l = dps.softmax_cross_entropy %logits, %labels : tensor<?x10xf32>, tensor<?xi32>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$logits, DPS_LabelTensor:$labels);
  let results = (outs DPS_Float1DTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` type($logits) `,` type($labels)
  }];
}

def DPS_MSEOp : DPS_InferredOp<"mse", [
    AllTypesMatch<["prediction", "target"]>,
    AllElementTypesMatch<["prediction", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Per-sample mean squared error";
  let description = [{
    `result[n] = mean_c (prediction[n, c] - target[n, c])^2`, one loss per sample.

    ```mlir
    %l = dps.mse %y, %t : tensor<?x10xf32>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$prediction, DPS_Float2DTensor:$target);
  let results = (outs DPS_Float1DTensor:$result);
  let assemblyFormat = "$prediction `,` $target attr-dict `:` type($prediction)";
}

include "dps/Dialect/DPS/IR/DPSGradientOps.td"
include "dps/Dialect/DPS/IR/DPSTrainingOps.td"

//===----------------------------------------------------------------------===//
// Precision conversion
//===----------------------------------------------------------------------===//

def DPS_CastOp : DPS_Op<"cast", [Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<DPS_DifferentiableOp>,
    AllShapesMatch<["input", "result"]>]> {
  let summary = "Converts a tensor to another precision";
  let description = [{
    `result = convert(input * scale)`: multiplies by the optional `scale` (a
    per-tensor factor, e.g. from amax scaling), then rounds to the result's
    element type — to nearest, ties to even, or stochastically, drawing from a
    counter-based generator keyed by `seed` (required for, and only allowed
    with, stochastic rounding). With `saturate`, values beyond the target's
    largest finite value clamp to it instead of becoming Inf/NaN; it is only
    meaningful for narrow targets (f16, f8E4M3FN, f8E5M2).

    ```mlir
    %y = dps.cast %x scale %s rounding stochastic seed %seed saturate
        : tensor<?x256xf32> to tensor<?x256xf8E4M3FN>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input, Optional<F32>:$scale,
      DefaultValuedAttr<DPS_RoundingModeAttr, "RoundingMode::nearest_even">:$rounding,
      Optional<I64>:$seed, UnitAttr:$saturate);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`rounding` $rounding^)? (`seed` $seed^)?
    (`saturate` $saturate^)? attr-dict `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Training step declaration
//===----------------------------------------------------------------------===//

def DPS_TrainStepOp : DPS_Op<"train_step", [
    Symbol, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Declares a training step over a forward function";
  let description = [{
    Names a forward function and how to train it: the loss applied to its
    result, the optimizer and learning-rate schedule, the precision ladder,
    the accumulation type of gradients and master weights (f32), and the
    batch size, which is the capacity of every kernel buffer. These are
    defaults that a driver such as `dps-train` may rewrite before compiling.

    The forward function takes the input batch as its first argument, with a
    dynamic batch dimension so kernels process only the valid rows, followed
    by its parameters (arguments carrying `dps.param`); it returns one rank-2
    tensor, `batch x classes`.

    `dps-autodiff` expands the declaration into `<name>_grad`,
    `<name>_update` and `<name>_eval` functions.

    ```mlir
    dps.train_step @train {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
        optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>,
        schedule = #dps.lr_schedule<cosine>,
        ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, batch = 128}
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$forward,
      DPS_LossAttr:$loss, DPS_OptimizerAttrInterface:$optimizer,
      DPS_LRScheduleAttr:$schedule,
      DPS_LadderAttr:$ladder,
      DefaultValuedAttr<TypeAttrOf<AnyType>, "$_builder.getF32Type()">:$accumulate,
      ConfinedAttr<I64Attr, [IntPositive]>:$batch);
  let assemblyFormat = "$sym_name attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The forward function, or null if the symbol does not resolve.
    ::mlir::func::FuncOp getForwardFunc();
  }];
}

#endif // DPS_DIALECT_DPS_IR_DPSOPS_TD
