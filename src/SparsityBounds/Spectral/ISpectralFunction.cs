namespace SparsityBounds.Spectral;

/// <summary>
/// A function of one eigenvalue, for the allocation-free generic overloads of <see cref="SpectralQuadrature"/>.
/// Implement it on a struct so the JIT specialises and inlines the call (no delegate per node).
/// </summary>
/// <example>
/// <code>
/// readonly struct Width(double twoEpsilon, double distanceSquared) : ISpectralFunction
/// {
///     public double Evaluate(double eigenvalue) => twoEpsilon / (twoEpsilon + Math.Abs(eigenvalue) * distanceSquared);
/// }
/// StatisticalEstimate w = spectrum.SpectralSum(new Width(2 * epsilon, r * r));
/// </code>
/// </example>
public interface ISpectralFunction
{
    /// <summary>f(λ).</summary>
    double Evaluate(double eigenvalue);
}
