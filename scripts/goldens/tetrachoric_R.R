#!/usr/bin/env Rscript
# Golden tetrachoric correlations (METHODS §2), computed independently in R:
#   thresholds tau = qnorm(p) from the uncorrected margins;
#   no zero cell:  uniroot(r: mvtnorm::pmvnorm(upper = c(tau_i, tau_j), corr = r) - n11/n)
#   zero cell(s):  cells of 0 become 0.5; P11* = uniroot of the likelihood score in P11,
#                  then the same Phi2 inversion (psych::tetrachoric's correct = .5 rule).
# mvtnorm's bivariate path is Genz's TVPACK (~1e-15). uniroot tol = 1e-14.
# Writes Tests/CoFailTests/Goldens/tetrachoric.csv (n11,n10,n01,n00,r,phi).
suppressMessages(library(mvtnorm))
phi2 <- function(h, k, r) {
  if (r >= 1) return(pnorm(min(h, k)))
  if (r <= -1) return(max(0, pnorm(h) + pnorm(k) - 1))
  as.numeric(pmvnorm(upper = c(h, k), corr = matrix(c(1, r, r, 1), 2), algorithm = TVPACK(abseps = 1e-16)))
}
tet <- function(n11, n10, n01, n00) {
  n <- n11 + n10 + n01 + n00
  pi <- (n11 + n10) / n; pj <- (n11 + n01) / n
  h <- qnorm(pi); k <- qnorm(pj)
  if (min(n11, n10, n01, n00) > 0) {
    target <- n11 / n
  } else {
    c <- c(n11, n10, n01, n00); c[c == 0] <- 0.5
    score <- function(P) c[1] / P - c[2] / (pi - P) - c[3] / (pj - P) + c[4] / (1 - pi - pj + P)
    lo <- max(0, pi + pj - 1); hi <- min(pi, pj); eps <- (hi - lo) * 1e-13
    target <- uniroot(score, c(lo + eps, hi - eps), tol = 1e-18)$root
  }
  uniroot(function(r) phi2(h, k, r) - target, c(-1, 1), tol = 1e-14)$root
}
cases <- rbind(
  c(40, 60, 50, 180), c(5, 10, 12, 303), c(100, 20, 25, 185), c(30, 30, 30, 30),
  c(1, 50, 60, 219), c(200, 3, 4, 123), c(12, 88, 101, 129), c(300, 10, 15, 5),
  c(0, 40, 35, 255), c(20, 0, 60, 250), c(20, 60, 0, 250), c(60, 30, 25, 0),
  c(0, 5, 7, 318), c(300, 0, 0, 30), c(3, 0, 0, 327), c(0, 160, 170, 0),
  c(1, 1, 1, 327), c(320, 4, 5, 1), c(700, 21, 0, 0))
out <- data.frame()
for (i in seq_len(nrow(cases))) {
  x <- cases[i, ]
  if ((x[1] + x[2]) %in% c(0, sum(x)) || (x[1] + x[3]) %in% c(0, sum(x))) next
  phi <- (x[1] * x[4] - x[2] * x[3]) / sqrt((x[1] + x[2]) * (x[3] + x[4]) * (x[1] + x[3]) * (x[2] + x[4]))
  out <- rbind(out, data.frame(n11 = x[1], n10 = x[2], n01 = x[3], n00 = x[4], r = tet(x[1], x[2], x[3], x[4]), phi = phi))
}
options(digits = 17)
write.csv(format(out, digits = 17), "Tests/CoFailTests/Goldens/tetrachoric.csv", row.names = FALSE, quote = FALSE)

print(out)
