#!/usr/bin/env python3
"""Evidence for the acceptance rule of the trapezoid path in CKernels/factor.c (β_SF).

For random pools (m = 2…300, error rates 1e-4…0.95, ρ below the kink limit) it integrates the
mode-centred single-factor integrand φ(f)∏Φ(a_i − b f) on grids h = 0.8σ, 0.4σ, 0.2σ, 0.1σ and
compares with SciPy quad (epsrel 2e-14): the error of the finer grid against d², d being the
relative change between consecutive grids. Prints the worst ratios (measured: ≤ 75).
Uses scipy.special.log_ndtr, scipy.integrate.quad. Takes a few minutes.
"""
import numpy as np
from scipy.special import log_ndtr, ndtri
from scipy.optimize import minimize_scalar
from scipy.integrate import quad
rng=np.random.default_rng(2)
worst=0; rows=[]
for trial in range(300):
    m=int(rng.choice([2,3,5,10,30,67,150,300])); rho=float(rng.uniform(0.01,0.99))
    pm=rng.uniform(0.02,0.6); p=np.clip(pm*(1+0.6*(rng.random(m)*2-1)),1e-4,0.95)
    tau=ndtri(p); a=tau/np.sqrt(1-rho); b=np.sqrt(rho)/np.sqrt(1-rho)
    if 1/b<0.1: continue
    g=lambda f: -0.5*f*f+np.sum(log_ndtr(a[:,None]-b*np.atleast_1d(f)[None,:]),axis=0)
    r=minimize_scalar(lambda f:-g(f)[0],bracket=(-1,1),tol=1e-13); mode=r.x; gm=g(mode)[0]
    hh=1e-4*max(1,abs(mode)); curv=(g(mode+hh)[0]-2*gm+g(mode-hh)[0])/hh**2; s=1/np.sqrt(-curv)
    ref=quad(lambda f: np.exp(g(f)[0]-gm), mode-80*s, mode+80*s, epsabs=0, epsrel=2e-14, limit=2000, points=[mode])[0]
    prev=None
    for h in (0.8,0.4,0.2,0.1):
        k=np.arange(-int(400/h),int(400/h)+1); f=mode+h*s*k; lv=g(f)-gm; keep=lv>-40
        T=np.sum(np.exp(lv[keep]))*h*s; err=abs(T/ref-1)
        if prev is not None:
            d=abs(T-prev)/T
            if d>1e-7 and d<1e-2: rows.append((err/d**2,d,err,m,rho))
        prev=T
rows.sort(reverse=True)
for r in rows[:8]: print("err/d^2 %.3g d %.2e err %.2e m %d rho %.3f"%r)
print(len(rows))
