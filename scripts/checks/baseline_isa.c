#include "CKernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
/* Φ₂ (scalar and batch) and Φ against the committed mpmath goldens. */
int main(int argc, char **argv) {
    const char *dir = argv[1]; char path[512], line[512];
    snprintf(path, sizeof path, "%s/bvn.csv", dir);
    FILE *f = fopen(path, "r"); if (!f) return 2;
    fgets(line, sizeof line, f);
    double H[5000], K[5000], R[5000], W[5000], O[5000]; int n = 0;
    while (fgets(line, sizeof line, f) && n < 5000) { double pdf; sscanf(line, "%lf,%lf,%lf,%lf,%lf", &H[n], &K[n], &R[n], &W[n], &pdf); n++; }
    fclose(f);
    double ws = 0, wb = 0;
    cf_bvn_cdf_batch(H, K, R, n, O);
    for (int i = 0; i < n; i++) { double v; cf_bvn_cdf(H[i], K[i], R[i], &v); ws = fmax(ws, fabs(v - W[i])); wb = fmax(wb, fabs(O[i] - W[i])); }
    snprintf(path, sizeof path, "%s/normal.csv", dir);
    f = fopen(path, "r"); if (!f) return 2;
    fgets(line, sizeof line, f);
    double wc = 0, wl = 0;
    while (fgets(line, sizeof line, f)) { double x, c, l, m; sscanf(line, "%lf,%lf,%lf,%lf", &x, &c, &l, &m);
        if (c >= 1e-300) wc = fmax(wc, fabs(cf_norm_cdf(x) / c - 1)); if (l != 0) wl = fmax(wl, fabs(cf_norm_logcdf(x) / l - 1)); }
    fclose(f);
    printf("Φ₂ scalar %.2e batch %.2e (n=%d); Φ rel %.2e; log Φ rel %.2e\n", ws, wb, n, wc, wl);
    return ws <= 1e-14 && wb <= 1e-14 && wc <= 1e-15 && wl <= 1e-15 ? 0 : 1;
}
