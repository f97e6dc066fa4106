//===- Translations.h - dps-translate registrations -------------*- C++ -*-===//
#ifndef DPS_TARGET_TRANSLATIONS_H
#define DPS_TARGET_TRANSLATIONS_H

namespace mlir::dps {

/// `--dps-to-manifest`: the kernel ABI of a model's train step as JSON.
void registerManifestTranslation();

} // namespace mlir::dps

#endif // DPS_TARGET_TRANSLATIONS_H
