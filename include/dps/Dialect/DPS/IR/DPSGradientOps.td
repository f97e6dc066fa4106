//===- DPSGradientOps.td - ops of the backward pass --------*- tablegen -*-===//
//
// The vector-Jacobian products of the layer ops are written with these ops, so
// that the backward pass is specialised per precision and lowered like the
// forward pass. Included from DPSOps.td.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_DIALECT_DPS_IR_DPSGRADIENTOPS_TD
#define DPS_DIALECT_DPS_IR_DPSGRADIENTOPS_TD

//===----------------------------------------------------------------------===//
// Tensor algebra
//===----------------------------------------------------------------------===//

def DPS_MatmulOp : DPS_InferredOp<"matmul", [
    AllElementTypesMatch<["lhs", "rhs", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "(Batched) matrix product with optionally transposed operands";
  let description = [{
    `result = op(lhs) x op(rhs)` where `op` transposes the operand's last two
    dimensions when `transpose_lhs` / `transpose_rhs` is set. Operands of
    rank above 2 are batches of matrices: both have the same rank and the
    same leading (batch) dimensions. The contraction a later pass gives a
    precision and an f32 accumulator.

    ```mlir
    %dw = dps.matmul %x, %dy transpose_lhs : tensor<?x784xf32>, tensor<?x256xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$lhs, DPS_FloatTensor:$rhs,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_lhs` $transpose_lhs^)?
    (`transpose_rhs` $transpose_rhs^)? attr-dict `:` type($lhs) `,` type($rhs)
  }];
}

def DPS_AddOp : DPS_InferredOp<"add", [
    Commutative, AllElementTypesMatch<["lhs", "rhs", "result"]>,
    DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Elementwise sum, with NumPy (ONNX) broadcasting";
  let description = [{
    Adds two tensors, broadcasting as NumPy and ONNX do: shapes align at
    their last dimension, a missing or size-1 dimension stretches to the
    other operand's. It is where gradients of a value used twice meet, where
    a kernel adds its gradients into the accumulators (both operands of one
    type: the sum is written into the left operand's buffer), and ONNX's Add.

    ```mlir
    %acc1 = dps.add %acc, %dw : tensor<784x256xf32>
    %y = dps.add %x, %b : tensor<?x10xf32>, tensor<10xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$lhs, DPS_FloatTensor:$rhs);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` custom<OperandTypes>(type($lhs), type($rhs))";
}

def DPS_SumToOp : DPS_Op<"sum_to", [
    Pure, AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Sums a tensor down to a shape that broadcasts to it";
  let description = [{
    The adjoint of broadcasting: sums `input` over its leading dimensions
    that `result` lacks and over the dimensions where `result` has size 1,
    in f32. The gradient of a broadcast operand of `dps.add`.

    ```mlir
    %db = dps.sum_to %dy : tensor<?x10xf32> to tensor<10xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

def DPS_SumRowsOp : DPS_InferredOp<"sum_rows", [
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Sums a tensor over its leading (batch) dimension";
  let description = [{
    `result[...] = sum_n input[n, ...]`: the gradient of a bias from the
    gradient of the rows it was added to.

    ```mlir
    %db = dps.sum_rows %dy : tensor<?x256xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def DPS_ReshapeOp : DPS_Op<"reshape", [
    Pure, AllElementTypesMatch<["input", "result"]>, DeclareOpInterfaceMethods<DPS_DifferentiableOp>]> {
  let summary = "Reinterprets a tensor's row-major elements under a new shape";
  let description = [{
    Keeps the elements and their row-major order. Each side may have at most
    one dynamic dimension; static element counts must agree.

    ```mlir
    %y = dps.reshape %x : tensor<?x1568xf32> to tensor<?x7x7x32xf32>
    ```
  }];
  let arguments = (ins DPS_FloatTensor:$input);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def DPS_Im2ColOp : DPS_InferredOp<"im2col", [
    AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Gathers the convolution windows of an NHWC tensor into rows";
  let description = [{
    For a `KH x KW` window (with strides, padding `[top, left, bottom, right]`
    and dilations), row `(n * OH + oh) * OW + ow` of the `(N*OH*OW) x
    (KH*KW*C)` result holds the window at `(oh, ow)` of image `n`, column
    `(kh * KW + kw) * C + c`, zeros where the window covers padding. A
    convolution is then a matmul with the filter viewed as `(KH*KW*C) x F`.

    ```mlir
    %cols = dps.im2col %x kernel = [3, 3] padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins DPS_Float4DTensor:$input, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs DPS_Float2DTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? (`dilations` `=` $dilations^)? attr-dict
    `:` type($input)
  }];
}

def DPS_Col2ImOp : DPS_Op<"col2im", [
    Pure, AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Adds convolution-window rows back into an NHWC tensor";
  let description = [{
    The adjoint of `dps.im2col`: every element of the windows matrix is added
    to the image position it was gathered from (padding positions drop out).
    The result type names the image shape.

    ```mlir
    %dx = dps.col2im %dcols kernel = [3, 3] padding = [1, 1, 1, 1]
        : tensor<?x9xf32> to tensor<?x28x28x1xf32>
    ```
  }];
  let arguments = (ins DPS_Float2DTensor:$input, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs DPS_Float4DTensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? (`dilations` `=` $dilations^)? attr-dict
    `:` type($input) `to` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Gradients of activations, pools and losses
//===----------------------------------------------------------------------===//

class DPS_ActivationGradOp<string mnemonic, string operandName, string formula>
    : DPS_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of an activation: " # formula;
  let description = [{
    `result = }] # formula # [{`, elementwise, from the gradient of the
    activation's result.
  }];
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat =
      "$grad `,` $" # operandName # " attr-dict `:` type($result)";
}

def DPS_ReluGradOp : DPS_ActivationGradOp<"relu_grad", "input",
    "input > 0 ? grad : 0"> {
  let arguments = (ins DPS_FloatTensor:$grad, DPS_FloatTensor:$input);
}
def DPS_SigmoidGradOp : DPS_ActivationGradOp<"sigmoid_grad", "output",
    "grad * output * (1 - output)"> {
  let arguments = (ins DPS_FloatTensor:$grad, DPS_FloatTensor:$output);
}
def DPS_TanhGradOp : DPS_ActivationGradOp<"tanh_grad", "output",
    "grad * (1 - output^2)"> {
  let arguments = (ins DPS_FloatTensor:$grad, DPS_FloatTensor:$output);
}

class DPS_SoftmaxLikeGradOp<string mnemonic, string formula>
    : DPS_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = "Gradient of a softmax along an axis: " # formula;
  let description = [{
    `result = }] # formula # [{`, the sum along `axis`, from the gradient
    `grad` of the forward op's result `output`.
  }];
  let arguments = (ins DPS_FloatTensor:$grad, DPS_FloatTensor:$output,
                       I64Attr:$axis);
  let results = (outs DPS_FloatTensor:$result);
  let assemblyFormat =
      "$grad `,` $output `axis` `=` $axis attr-dict `:` type($result)";
}

def DPS_SoftmaxGradOp : DPS_SoftmaxLikeGradOp<"softmax_grad",
    "output * (grad - sum(grad * output))">;
def DPS_LogSoftmaxGradOp : DPS_SoftmaxLikeGradOp<"log_softmax_grad",
    "grad - exp(output) * sum(grad)">;

def DPS_MaxPool2DGradOp : DPS_Op<"max_pool2d_grad", [
    Pure, AllTypesMatch<["input", "result"]>,
    AllElementTypesMatch<["grad", "input"]>]> {
  let summary = "Gradient of dps.max_pool2d";
  let description = [{
    Routes each element of the pool's result gradient to the position of its
    window's maximum in `input` (the first, in row-major window order, on
    ties); positions that are no window's maximum get zero.
  }];
  let arguments = (ins DPS_Float4DTensor:$grad, DPS_Float4DTensor:$input,
      DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations);
  let results = (outs DPS_Float4DTensor:$result);
  let assemblyFormat = [{
    $grad `,` $input `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? (`dilations` `=` $dilations^)? attr-dict
    `:` type($grad) `,` type($input)
  }];
  let hasVerifier = 1;
}

def DPS_AvgPool2DGradOp : DPS_Op<"avg_pool2d_grad", [
    Pure, AllElementTypesMatch<["grad", "result"]>]> {
  let summary = "Gradient of dps.avg_pool2d";
  let description = [{
    Spreads each element of the pool's result gradient evenly over the input
    positions of its window (divided by the window's count, as the forward
    pool divided). The result type names the pool's input shape.
  }];
  let arguments = (ins DPS_Float4DTensor:$grad, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
      UnitAttr:$count_include_pad);
  let results = (outs DPS_Float4DTensor:$result);
  let assemblyFormat = [{
    $grad `kernel` `=` $kernel (`strides` `=` $strides^)?
    (`padding` `=` $padding^)? attr-dict `:` type($grad) `to` type($result)
  }];
  let hasVerifier = 1;
}

def DPS_SoftmaxCrossEntropyGradOp : DPS_Op<"softmax_cross_entropy_grad", [
    Pure, AllTypesMatch<["logits", "result"]>,
    AllElementTypesMatch<["logits", "grad"]>]> {
  let summary = "Gradient of dps.softmax_cross_entropy with respect to the logits";
  let description = [{
    `result[n, c] = grad[n] * (softmax(logits[n, :])[c] - (c == labels[n]))`.
  }];
  let arguments = (ins DPS_Float2DTensor:$logits, DPS_LabelTensor:$labels,
                       DPS_Float1DTensor:$grad);
  let results = (outs DPS_Float2DTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels `,` $grad attr-dict `:` type($logits) `,` type($labels)
    `,` type($grad)
  }];
}

def DPS_MSEGradOp : DPS_Op<"mse_grad", [
    Pure, AllTypesMatch<["prediction", "target", "result"]>,
    AllElementTypesMatch<["prediction", "grad"]>]> {
  let summary = "Gradient of dps.mse with respect to the prediction";
  let description = [{
    `result[n, c] = grad[n] * 2 * (prediction[n, c] - target[n, c]) / C`.
  }];
  let arguments = (ins DPS_Float2DTensor:$prediction,
                       DPS_Float2DTensor:$target, DPS_Float1DTensor:$grad);
  let results = (outs DPS_Float2DTensor:$result);
  let assemblyFormat = [{
    $prediction `,` $target `,` $grad attr-dict `:` type($prediction) `,`
    type($grad)
  }];
}

#endif // DPS_DIALECT_DPS_IR_DPSGRADIENTOPS_TD
