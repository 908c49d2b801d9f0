/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/names.h"

#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

bool ctr__name_valid(const char *name)
{
    if (!name)
        return false;
    size_t i = 0;
    for (; name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (i == CTR__NAME_MAX)
            return false;
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return false;
    }
    return i > 0;
}

/* 64 lowercase hexadecimal characters: the form of a full container ID. */
static bool looks_like_id(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++)
        if (!((name[n] >= '0' && name[n] <= '9') || (name[n] >= 'a' && name[n] <= 'f')))
            return false;
    return n == 64;
}

int ctr__name_check(const char *name)
{
    if (!ctr__name_valid(name))
        return ctr__err(-EINVAL, "invalid container name \"%.300s\": names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* "
                                 "and have at most 253 characters", name);
    if (looks_like_id(name))
        return ctr__err(-EINVAL, "invalid container name \"%s\": 64 hexadecimal characters would shadow a "
                                 "container ID", name);
    return 0;
}

/* Lowercase a-z only; every pair joined with '_' is a valid name. */
static const char *const adjectives[] = {
    "agile", "airy", "amber", "ample", "ardent", "astute", "azure", "balmy",
    "blithe", "breezy", "bright", "brisk", "bubbly", "bustling", "calm", "candid",
    "capable", "careful", "cheerful", "civic", "cordial", "cosmic", "crafty", "crisp",
    "curious", "dapper", "daring", "deft", "devoted", "diligent", "dynamic", "earnest",
    "earthy", "exact", "fancy", "fearless", "feisty", "fleet", "fluent", "fond",
    "frank", "generous", "genial", "gentle", "glad", "gleaming", "golden", "graceful",
    "grand", "hardy", "hearty", "honest", "humble", "jaunty", "lively", "lofty",
    "loyal", "lucky", "lunar", "mellow", "merry", "mighty", "mindful", "misty",
    "nautical", "nimble", "noble", "nuanced", "orderly", "patient", "placid", "plucky",
    "polar", "polite", "proud", "prudent", "quaint", "quick", "quiet", "radiant",
    "rapid", "ready", "resolute", "robust", "rosy", "rustic", "savvy", "shiny",
    "silent", "sincere", "sleek", "smart", "snappy", "snug", "solid", "spirited",
    "spry", "stately", "steady", "stellar", "sturdy", "subtle", "sunny", "swift",
    "tactful", "thrifty", "tidy", "tireless", "tranquil", "trusty", "urbane", "valiant",
    "verdant", "vivid", "warm", "wise", "witty", "zany", "zesty",
};

/* Surnames of scientists, mathematicians and engineers, ASCII-folded. */
static const char *const surnames[] = {
    "abel", "agnesi", "alhazen", "allen", "ampere", "avogadro", "babbage", "backus",
    "banach", "bardeen", "bartik", "bayes", "becquerel", "bell", "bernoulli", "bessel",
    "bohr", "boltzmann", "boole", "bose", "boyle", "bragg", "brahe", "brattain",
    "bunsen", "cajal", "cantor", "carnot", "carson", "cauchy", "cavendish", "celsius",
    "cerf", "chadwick", "chandrasekhar", "chebyshev", "clausius", "conway", "copernicus", "coulomb",
    "crick", "curie", "cuvier", "dalton", "darwin", "descartes", "dewar", "diesel",
    "dijkstra", "dirac", "doppler", "edison", "ehrlich", "einstein", "engelbart", "euclid",
    "euler", "fahrenheit", "faraday", "fermat", "fermi", "feynman", "fibonacci", "fleming",
    "foucault", "fourier", "franklin", "fresnel", "galilei", "galois", "galvani", "gauss",
    "geiger", "gibbs", "godel", "goldwasser", "goodall", "halley", "hamilton", "hamming",
    "hawking", "heisenberg", "helmholtz", "herschel", "hertz", "hilbert", "hoare", "hodgkin",
    "hollerith", "hooke", "hopper", "hubble", "huffman", "huygens", "hypatia", "jacobi",
    "jacquard", "jemison", "johnson", "joule", "kahn", "kelvin", "kepler", "kernighan",
    "khayyam", "kilby", "kirchhoff", "knuth", "kovalevskaya", "lagrange", "lamarr", "lamport",
    "laplace", "lavoisier", "leavitt", "leibniz", "lemaitre", "liskov", "lister", "lorentz",
    "lovelace", "lyell", "mach", "mandelbrot", "marconi", "maxwell", "mccarthy", "mcclintock",
    "meitner", "mendel", "mendeleev", "metcalfe", "michelson", "millikan", "minsky", "mirzakhani",
    "morse", "napier", "nash", "neumann", "newton", "nightingale", "nobel", "noether",
    "noyce", "ohm", "pascal", "pasteur", "pauli", "pauling", "penrose", "planck",
    "poincare", "postel", "raman", "ramanujan", "ride", "riemann", "ritchie", "roentgen",
    "rutherford", "sagan", "salk", "shannon", "snell", "somerville", "stokes", "stroustrup",
    "sutherland", "tesla", "thompson", "thomson", "torvalds", "turing", "volta", "watt",
    "wiles", "wirth", "wozniak", "wright", "wu", "yalow", "young", "yukawa",
    "zuse",
};

const char *const *ctr__name_adjectives(size_t *ret_n)
{
    *ret_n = ARRAY_SIZE(adjectives);
    return adjectives;
}

const char *const *ctr__name_surnames(size_t *ret_n)
{
    *ret_n = ARRAY_SIZE(surnames);
    return surnames;
}

static int random_u32(uint32_t *ret)
{
    return ctr__random_bytes(ret, sizeof *ret);
}

/* Uniform in [0, n) without modulo bias. */
static int random_below(uint32_t n, uint32_t *ret)
{
    uint32_t limit = UINT32_MAX - UINT32_MAX % n; /* accept v < limit */
    for (;;) {
        uint32_t v = 0;
        int r = random_u32(&v);
        if (r < 0)
            return r;
        if (v < limit) {
            *ret = v % n;
            return 0;
        }
    }
}

int ctr__name_generate(char *buf, size_t size)
{
    if (!buf)
        return ctr__err(-EINVAL, "name generate: buffer is NULL");
    /* Checked against the longest possible name, not the one drawn, so that
     * the result does not depend on chance. */
    if (size < CTR__NAME_GENERATED_SIZE)
        return ctr__err(-ERANGE, "name generate: buffer of %zu bytes is too small (need %d)",
                        size, CTR__NAME_GENERATED_SIZE);
    for (;;) {
        uint32_t a, s;
        int r;
        if ((r = random_below(ARRAY_SIZE(adjectives), &a)) < 0 ||
            (r = random_below(ARRAY_SIZE(surnames), &s)) < 0)
            return ctr__err(r, "name generate: getrandom: %s", strerror(-r));
        /* Steve Wozniak is not boring. */
        if (streq(adjectives[a], "boring") && streq(surnames[s], "wozniak"))
            continue;
        size_t la = strlen(adjectives[a]), ls = strlen(surnames[s]);
        memcpy(buf, adjectives[a], la);
        buf[la] = '_';
        memcpy(buf + la + 1, surnames[s], ls + 1);
        return 0;
    }
}
