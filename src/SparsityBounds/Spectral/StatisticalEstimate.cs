namespace SparsityBounds.Spectral;

/// <summary>
/// A Monte Carlo (or quadrature) estimate with its standard error: the sample standard deviation of the
/// per-sample values divided by √n. <see cref="StandardError"/> is 0 for exact values and NaN when it cannot be
/// estimated (a single sample).
/// </summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its standard error.</param>
/// <param name="Samples">Number of independent samples behind the estimate (0 when exact or unknown).</param>
public readonly record struct StatisticalEstimate(double Value, double StandardError, int Samples = 0)
{
    /// <summary>Deconstructs into value and standard error.</summary>
    public void Deconstruct(out double value, out double standardError)
    {
        value = Value;
        standardError = StandardError;
    }

    /// <summary>The estimate from per-sample values: their mean, and standard deviation / √n.</summary>
    /// <exception cref="ArgumentException"><paramref name="samples"/> is empty.</exception>
    public static StatisticalEstimate FromSamples(ReadOnlySpan<double> samples)
    {
        if (samples.IsEmpty) throw new ArgumentException("samples must not be empty.", nameof(samples));
        double mean = 0;
        for (int i = 0; i < samples.Length; i++) mean += samples[i];
        mean /= samples.Length;
        if (samples.Length == 1) return new StatisticalEstimate(mean, double.NaN, 1);
        double ss = 0;
        for (int i = 0; i < samples.Length; i++) { double d = samples[i] - mean; ss += d * d; }
        double sd = Math.Sqrt(ss / (samples.Length - 1));
        return new StatisticalEstimate(mean, sd / Math.Sqrt(samples.Length), samples.Length);
    }

    /// <summary>True when |Value − truth| ≤ <paramref name="standardErrors"/> · StandardError.</summary>
    public bool IsWithin(double truth, double standardErrors) => Math.Abs(Value - truth) <= standardErrors * StandardError;

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"{Value:G6} ± {StandardError:G3}") + (Samples > 0 ? FormattableString.Invariant($" (n = {Samples})") : "");
}
