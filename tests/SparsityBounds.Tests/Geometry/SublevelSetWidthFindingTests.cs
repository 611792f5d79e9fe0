using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Geometry;

namespace SparsityBounds.Tests.Geometry;

/// <summary>
/// The finding of docs/geometry.md: how Larsen's W = Σ 2ε/(2ε + |λ|R²) and the tangent variant W_t = Σ min(1, 2ε/(|λ|R²))
/// compare with the true statistical dimension δ of the cone a quadratic sublevel set generates from distance R
/// (Monte Carlo over <see cref="EllipsoidCone"/>), for several spectra in d ≤ 200 and a random direction of the centre.
/// It prints the table (run with <c>--logger "console;verbosity=detailed"</c>); its assertions are the isotropic control
/// row against the exact circular-cone δ and the precision of every Monte Carlo entry, not the comparison itself.
/// </summary>
[TestFixture]
[Category("Statistical")]
public class SublevelSetWidthFindingTests
{
    private const double Epsilon = 0.5;   // only 2ε/(|λ|R²) matters; 2ε = 1
    private const int Samples = 3000;

    // q = R² Σ |λᵢ| uᵢ² / (2ε) = Σ cᵢ²/rᵢ² (> 1: the origin is outside the set); 1/q = sin²α for a ball.
    private static readonly double[] OriginQuadratics = [1.25, 4, 25, 400];

    internal static IEnumerable<(string Name, double[] Eigenvalues)> Spectra()
    {
        yield return ("isotropic (ball), d=200", Enumerable.Repeat(1.0, 200).ToArray());
        var random = new Random(2024);
        yield return ("log-uniform 1e-3..10, d=200", Enumerable.Range(0, 200).Select(_ => Math.Pow(10, 4 * random.NextDouble() - 3)).ToArray());
        yield return ("power law 1/i², d=200", Enumerable.Range(1, 200).Select(i => 1.0 / ((double)i * i)).ToArray());
        yield return ("bulk 1e-3..1e-2 + 10 outliers 10..100, d=200",
            Enumerable.Range(0, 200).Select(i => i < 10 ? 10 + 90 * random.NextDouble() : 1e-3 + 9e-3 * random.NextDouble()).ToArray());
        var x = Matrix<double>.Build.Dense(200, 100, (_, _) => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1));
        yield return ("Marchenko-Pastur (Wishart n=2d), d=100", x.TransposeThisAndMultiply(x).Divide(200).Evd().EigenValues.Select(v => v.Real).ToArray());
        yield return ("log-uniform with 20% zeros, d=100",
            Enumerable.Range(0, 100).Select(i => i % 5 == 0 ? 0.0 : Math.Pow(10, 4 * random.NextDouble() - 3)).ToArray());
        yield return ("indefinite: log-uniform, 25% negative, d=200",
            Enumerable.Range(0, 200).Select(i => (i % 4 == 0 ? -1 : 1) * Math.Pow(10, 4 * random.NextDouble() - 3)).ToArray());
    }

    internal sealed record Row(string Spectrum, int Dimension, double OriginQuadratic, double Distance, double W, double WTangent, double Delta, double DeltaError);

    internal static List<Row> Measure()
    {
        var rows = new List<Row>();
        int seed = 0;
        foreach (var (name, eigenvalues) in Spectra())
        {
            int d = eigenvalues.Length;
            var random = new Random(17 + d + name.Length);
            var direction = Enumerable.Range(0, d).Select(_ => MathNet.Numerics.Distributions.Normal.Sample(random, 0, 1)).ToArray();
            double norm = Math.Sqrt(direction.Sum(v => v * v));
            double curvatureAlongDirection = eigenvalues.Select((l, i) => Math.Abs(l) * direction[i] * direction[i] / (norm * norm)).Sum();
            foreach (double q in OriginQuadratics)
            {
                double distance = Math.Sqrt(q * 2 * Epsilon / curvatureAlongDirection);
                var cone = EllipsoidCone.FromSublevelSet(eigenvalues, Epsilon, distance, direction);
                var delta = StatisticalDimension.Estimate(cone, Samples, seed: ++seed);
                rows.Add(new Row(name, d, q, distance,
                    GaussianWidth.ProjectedSublevelSetSquared(eigenvalues, Epsilon, distance),
                    GaussianWidth.ProjectedSublevelSetSquaredTangent(eigenvalues, Epsilon, distance),
                    delta.Value, delta.StandardError));
            }
        }
        return rows;
    }

    [Test]
    public void LarsenAndTangentWidthsAgainstMonteCarloStatisticalDimension()
    {
        var rows = Measure();
        var table = new StringBuilder();
        table.AppendLine("| spectrum | q = Σc²/r² | W/d | W_t/d | δ/d (MC ± SE) | (W − δ)/δ | (W_t − δ)/δ | (W − δ)/d | (W_t − δ)/d |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Spectrum} | {r.OriginQuadratic:G4} | {r.W / r.Dimension:F4} | {r.WTangent / r.Dimension:F4} | {r.Delta / r.Dimension:F4} ± {r.DeltaError / r.Dimension:F4} | {(r.W - r.Delta) / r.Delta:+0.000;-0.000} | {(r.WTangent - r.Delta) / r.Delta:+0.000;-0.000} | {(r.W - r.Delta) / r.Dimension:+0.000;-0.000} | {(r.WTangent - r.Delta) / r.Dimension:+0.000;-0.000} |"));
        TestContext.Out.WriteLine(table.ToString());

        foreach (var r in rows)
        {
            Assert.That(r.DeltaError, Is.LessThan(0.02 * r.Delta + 0.05), $"Monte Carlo precision: {r.Spectrum}, q = {r.OriginQuadratic}");
            Assert.That(r.Delta, Is.InRange(0.0, r.Dimension), r.Spectrum);
        }
        // Control: a ball of radius r at distance R generates the circular cone with sin²α = r²/R² = 1/q.
        foreach (var r in rows.Where(r => r.Spectrum.StartsWith("isotropic", StringComparison.Ordinal)))
        {
            double exact = StatisticalDimension.CircularCone(r.Dimension, Math.Asin(Math.Sqrt(1 / r.OriginQuadratic)));
            Assert.That(Math.Abs(r.Delta - exact), Is.LessThanOrEqualTo(4 * r.DeltaError), $"control q = {r.OriginQuadratic}: {r.Delta} ± {r.DeltaError} vs {exact}");
        }
    }
}
