//===- LowerF8ToNVVM.cpp - f8 conversions as NVVM cvt ops -----------------===//
//
// In GPU code, `arith.truncf` f32 -> f8 becomes cvt.rn.satfinite.<f8>x2.f32
// (the pair's second value is zero and dropped) and `arith.extf` f8 -> f32
// becomes cvt.rn.f16x2.<f8>x2 then an exact f16 -> f32 extension.
// convert-dps-to-linalg (native-f8-casts) has already made overflow explicit
// before every truncation, so saturation only meets in-range values, NaN and,
// for f8E5M2, infinities, which are kept infinite here.
//
//===----------------------------------------------------------------------===//
#include "GPUChip.h"

#include "dps/Conversion/Passes.h"
#include "dps/Dialect/DPS/IR/DPSAttrs.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSLOWERF8TONVVM
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

bool inGPUCode(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() ||
         op->getParentOfType<gpu::GPUFuncOp>();
}

/// f32 -> f8: cvt.rn.satfinite on the pair (value, 0), first byte.
Value truncate(IRRewriter &b, Location loc, Value value, Type f8) {
  Type i8 = b.getI8Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
      b, loc, VectorType::get({2}, i8), value, zero,
      NVVM::FPRoundingModeAttr::get(b.getContext(), NVVM::FPRoundingMode::RN),
      NVVM::SaturationModeAttr::get(b.getContext(),
                                    NVVM::SaturationMode::SATFINITE),
      b.getBoolAttr(false), TypeAttr::get(f8));
  // The op puts its first operand in the upper byte of the pair.
  Value bits = vector::ExtractOp::create(b, loc, pair, 1);
  if (isa<Float8E5M2Type>(f8)) {
    // Saturation would make an infinity the largest finite value.
    Value magnitude = math::AbsFOp::create(b, loc, value);
    Value infinity = arith::ConstantOp::create(
        b, loc, b.getF32FloatAttr(std::numeric_limits<float>::infinity()));
    Value isInf = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                        magnitude, infinity);
    Value sign = arith::AndIOp::create(
        b, loc, arith::TruncIOp::create(
                    b, loc, i8,
                    arith::ShRUIOp::create(
                        b, loc,
                        arith::BitcastOp::create(b, loc, b.getI32Type(), value),
                        arith::ConstantIntOp::create(b, loc, b.getI32Type(),
                                                     24))),
        arith::ConstantIntOp::create(b, loc, i8, 0x80));
    Value signedInf = arith::OrIOp::create(
        b, loc, sign, arith::ConstantIntOp::create(b, loc, i8, 0x7C));
    bits = arith::SelectOp::create(b, loc, isInf, signedInf, bits);
  }
  return arith::BitcastOp::create(b, loc, f8, bits);
}

/// f8 -> f32 through f16 (every f8E4M3FN and f8E5M2 value is an f16).
Value extend(IRRewriter &b, Location loc, Value value, Type f8) {
  Type i8 = b.getI8Type();
  Value bits = arith::BitcastOp::create(b, loc, i8, value);
  Value zero = arith::ConstantIntOp::create(b, loc, i8, 0);
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, i8), ValueRange{bits, zero});
  Value halves = NVVM::ConvertF8x2ToF16x2Op::create(
      b, loc, VectorType::get({2}, b.getF16Type()), pair,
      b.getBoolAttr(false), TypeAttr::get(f8));
  Value half = vector::ExtractOp::create(b, loc, halves, 0);
  return arith::ExtFOp::create(b, loc, b.getF32Type(), half);
}

struct DPSLowerF8ToNVVMPass
    : public dps::impl::DPSLowerF8ToNVVMBase<DPSLowerF8ToNVVMPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<Operation *> casts;
    getOperation()->walk([&](Operation *op) {
      if (!isa<arith::TruncFOp, arith::ExtFOp>(op) || !inGPUCode(op))
        return;
      Type in = op->getOperand(0).getType(), out = op->getResult(0).getType();
      if (isFloat8(in) || isFloat8(out))
        casts.push_back(op);
    });
    if (casts.empty())
      return;
    std::optional<unsigned> version = chipVersion(chip);
    if (!version || *version < 89) {
      casts.front()->emitError()
          << "f8 conversions on the GPU need sm_89 or newer (chip is '"
          << chip << "')";
      return signalPassFailure();
    }
    // Without a +ptxNN, LLVM uses the chip's oldest PTX version (7.8).
    unsigned ptx = ptxVersion(features).value_or(78);
    unsigned needed = *version >= 90 ? 78 : 81;
    if (ptx < needed) {
      casts.front()->emitError()
          << "f8 conversions for " << chip << " need PTX " << needed / 10
          << "." << needed % 10 << " or newer (features '" << features
          << "')";
      return signalPassFailure();
    }
    IRRewriter b(&getContext());
    for (Operation *op : casts) {
      b.setInsertionPoint(op);
      Location loc = op->getLoc();
      Value in = op->getOperand(0);
      Type out = op->getResult(0).getType();
      Value result;
      if (isa<arith::TruncFOp>(op)) {
        if (!in.getType().isF32()) {
          op->emitError("only f32 is truncated to f8 on the GPU");
          return signalPassFailure();
        }
        result = truncate(b, loc, in, out);
      } else {
        if (!isFloat8(in.getType())) {
          op->emitError("f8 is only extended from f8 types on the GPU");
          return signalPassFailure();
        }
        result = extend(b, loc, in, in.getType());
        if (!out.isF32())
          result = arith::TruncFOp::create(b, loc, out, result); // exact
      }
      b.replaceOp(op, result);
    }
  }
};

} // namespace
