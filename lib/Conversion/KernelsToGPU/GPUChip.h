//===- GPUChip.h - reading an sm_NN chip name -------------------*- C++ -*-===//
#ifndef DPS_LIB_CONVERSION_KERNELSTOGPU_GPUCHIP_H
#define DPS_LIB_CONVERSION_KERNELSTOGPU_GPUCHIP_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::dps {

/// The compute capability of an `sm_NN` (or `sm_NNa`) chip name, as NN;
/// none for anything else.
inline std::optional<unsigned> chipVersion(llvm::StringRef chip) {
  unsigned version = 0;
  if (!chip.consume_front("sm_"))
    return std::nullopt;
  chip.consume_back("a");
  if (chip.getAsInteger(10, version))
    return std::nullopt;
  return version;
}

/// The PTX ISA version a `+ptxNN` in the comma-separated `features` asks
/// for, as NN; none when it names none.
inline std::optional<unsigned> ptxVersion(llvm::StringRef features) {
  while (!features.empty()) {
    auto [feature, rest] = features.split(',');
    features = rest;
    feature = feature.trim();
    unsigned version = 0;
    if (feature.consume_front("+ptx") && !feature.getAsInteger(10, version))
      return version;
  }
  return std::nullopt;
}

} // namespace mlir::dps

#endif // DPS_LIB_CONVERSION_KERNELSTOGPU_GPUCHIP_H
