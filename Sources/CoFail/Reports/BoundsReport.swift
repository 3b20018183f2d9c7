extension FrechetBounds {
    /// Fréchet bounds with the single-factor and common-shock β inside (METHODS §8, Prop. 3).
    public func section(observedBeta: Double? = nil) -> Report.Section {
        var s = Report.Section(key: "bounds", title: "Fréchet bounds on β given pairwise statistics (Prop. 3)")
        s.add("n_models", "models (m)", .int(m))
        s.add("error", "marginal error p", .number(p))
        s.add("co_error", "pairwise co-error c", .number(coError))
        s.add("beta_min", "smallest β of any exchangeable law", .number(betaMin))
        s.add("beta_max", "largest β of any exchangeable law", .number(betaMax))
        if let observedBeta { s.add("beta", "observed β", .number(observedBeta)) }
        s.add("rho", "tetrachoric ρ of (p, c)", rho)
        s.add("beta_sf", "single-factor β_SF(ρ)", betaSF)
        s.add("shock_pi", "common-shock π", shockPi)
        s.add("shock_q", "common-shock q", shockQ)
        s.add("beta_shock", "common-shock β_m", betaShock)
        return s
    }
}
