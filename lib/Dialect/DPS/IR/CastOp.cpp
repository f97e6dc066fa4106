//===- CastOp.cpp - dps.cast verification and folding ----------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

using namespace mlir;
using namespace mlir::dps;

LogicalResult CastOp::verify() {
  bool stochastic = getRounding() == RoundingMode::stochastic;
  if (stochastic && !getSeed())
    return emitOpError() << "stochastic rounding needs a 'seed' operand";
  if (!stochastic && getSeed())
    return emitOpError() << "a 'seed' is only used by stochastic rounding";
  Type target = getResult().getType().getElementType();
  if (getSaturate() && (target.isF32() || target.isBF16()))
    return emitOpError() << "'saturate' applies to f16, f8E4M3FN and f8E5M2 "
                            "results; "
                         << target << " already spans the f32 range";
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() && !getScale())
    return getInput();
  return {};
}
