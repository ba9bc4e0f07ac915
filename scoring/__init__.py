"""Pure scoring functions over polars frames (no SQL, no Streamlit, no I/O).

    from scoring.factors import compute_factors
    from scoring.combine import combine
    from scoring.backtest import backtest

    factors = compute_factors(inputs, config)     # expensive; cache it
    ranked = combine(factors, weights, config)    # cheap; call again when weights change
    result, outcomes = backtest(ranked, inputs.enforcement, as_of)

The package does not re-export `combine` or `backtest`: they would shadow their modules.
"""
