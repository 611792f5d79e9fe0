namespace SparsityBounds.Spectral;

/// <summary>Which end of the spectrum an eigenvalue search targets (algebraically: signs count).</summary>
public enum SpectrumEnd
{
    /// <summary>The algebraically largest eigenvalues λ_max ≥ …, reported in descending order.</summary>
    Largest,

    /// <summary>The algebraically smallest eigenvalues λ_min ≤ …, reported in ascending order.</summary>
    Smallest,
}
