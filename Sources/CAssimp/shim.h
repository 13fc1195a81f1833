// Assimp's C API, with small inline helpers for what Swift imports awkwardly
// (fixed-size char arrays in aiString, material property macros with commas).
#include <assimp/cimport.h>
#include <assimp/scene.h>
#include <assimp/postprocess.h>
#include <assimp/material.h>
#include <assimp/version.h>

static inline const char *twin_ai_string_data(const struct aiString *s) { return s->data; }
static inline unsigned int twin_ai_string_length(const struct aiString *s) { return s->length; }

// Returns 1 and writes the color when the material has the property `key` ("$clr.base", ...).
static inline int twin_ai_material_color(const struct aiMaterial *m, const char *key, struct aiColor4D *out) {
    return aiGetMaterialColor(m, key, 0, 0, out) == aiReturn_SUCCESS;
}

static inline int twin_ai_material_float(const struct aiMaterial *m, const char *key, float *out) {
    ai_real value = 0;
    unsigned int max = 1;
    if (aiGetMaterialFloatArray(m, key, 0, 0, &value, &max) != aiReturn_SUCCESS || max != 1) return 0;
    *out = (float)value;
    return 1;
}
