//===- DPSAttrs.h - dps attributes ------------------------------*- C++ -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSATTRS_H
#define DPS_DIALECT_DPS_IR_DPSATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/bit.h"

namespace mlir::dps {
/// A hyper-parameter stored in an attribute: a double that hashes and compares
/// bitwise, so -0.0 and 0.0 (or two NaNs) stay distinct attributes.
class F64 {
public:
  F64(double value = 0.0) : value(value) {}
  operator double() const { return value; }
  friend llvm::hash_code hash_value(const F64 &f) {
    return llvm::hash_value(llvm::bit_cast<uint64_t>(f.value));
  }

private:
  double value;
};
} // namespace mlir::dps

#include "dps/Dialect/DPS/IR/DPSEnums.h.inc"

#include "dps/Dialect/DPS/IR/DPSAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dps/Dialect/DPS/IR/DPSAttrs.h.inc"

namespace mlir::dps {

/// Whether `type` is one of the precisions dps computes in.
bool isSupportedPrecision(Type type);

/// `type` as the IR prints it (f32, bf16, f8E4M3FN): how kernel names and
/// manifests spell a precision.
std::string typeName(Type type);

/// Whether `type` is one of the f8 precisions (f8E4M3FN, f8E5M2).
bool isFloat8(Type type);

/// The precisions dps computes in, for diagnostics.
constexpr llvm::StringLiteral kSupportedPrecisions =
    "f32, f16, bf16, f8E4M3FN, f8E5M2";

} // namespace mlir::dps

#endif // DPS_DIALECT_DPS_IR_DPSATTRS_H
