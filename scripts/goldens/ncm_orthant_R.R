#!/usr/bin/env Rscript
# Golden values for METHODS §4 from R:
#  * nearest correlation matrix: Matrix::nearPD(G, corr = TRUE, do2eigen = FALSE, conv.tol = 1e-12)
#    (Higham's alternating projections with Dykstra) -> Frobenius distance ||G - X||_F;
#  * orthant probabilities P(Z <= tau), Z ~ N(0, S) in 67 dimensions: mvtnorm::pmvnorm with
#    GenzBretz (randomised lattice QMC), many points, with its error estimate.
# S is nearPD's matrix with eigenvalues floored at 1e-8 and rescaled to a unit diagonal.
# Writes Tests/CoFailTests/Goldens/ncm_G.csv, orthant_S.csv, orthant.csv.
suppressMessages({library(Matrix); library(mvtnorm)})
set.seed(20261129)
m <- 67
lam <- runif(m, 0.45, 0.75)
G <- tcrossprod(lam); diag(G) <- 1
noise <- matrix(rnorm(m * m, sd = 0.12), m); noise <- (noise + t(noise)) / 2; diag(noise) <- 0
G <- pmin(pmax(G + noise, -0.99), 0.99); diag(G) <- 1
near <- nearPD(G, corr = TRUE, do2eigen = FALSE, conv.tol = 1e-12, maxit = 10000)
X <- as.matrix(near$mat)
e <- eigen(X, symmetric = TRUE)
S <- e$vectors %*% diag(pmax(e$values, 1e-8)) %*% t(e$vectors)
S <- cov2cor(S)
p <- runif(m, 0.1, 0.4); tau <- qnorm(p)
out <- "Tests/CoFailTests/Goldens/"
write.table(format(G, digits = 17), paste0(out, "ncm_G.csv"), sep = ",", row.names = FALSE, col.names = FALSE, quote = FALSE)
write.table(format(S, digits = 17), paste0(out, "orthant_S.csv"), sep = ",", row.names = FALSE, col.names = FALSE, quote = FALSE)
rows <- data.frame()
for (shift in c(0, -1.5)) {
  set.seed(7)
  pr <- pmvnorm(upper = tau + shift, corr = S, algorithm = GenzBretz(maxpts = 5e6, abseps = 0, releps = 2e-3))
  rows <- rbind(rows, data.frame(shift = shift, p = as.numeric(pr), err = attr(pr, "error")))
}
meta <- data.frame(key = c("ncm_frobenius", "ncm_iterations", "min_eig_G"),
                   value = c(norm(G - X, "F"), near$iterations, min(eigen(G, symmetric = TRUE, only.values = TRUE)$values)))
write.csv(format(meta, digits = 17), paste0(out, "ncm.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(data.frame(tau = tau), digits = 17), paste0(out, "orthant_tau.csv"), row.names = FALSE, quote = FALSE)
write.csv(format(rows, digits = 17), paste0(out, "orthant.csv"), row.names = FALSE, quote = FALSE)
print(meta); print(rows)
