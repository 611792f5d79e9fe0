using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Numerics;

[TestFixture]
public sealed class BasisOrthogonalizerTests
{
    private static double[] Random(int n, Random random) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    // Builds an orthonormal basis one vector at a time from nearly dependent inputs (mostly earlier vectors plus a little
    // new direction), checking each projection. count > GroupSize exercises several groups; n > MinimumPartLength several parts.
    [TestCase(1, 10)]
    [TestCase(7, 33)]
    [TestCase(40, 101)]
    [TestCase(20, 3 * BasisOrthogonalizer.MinimumPartLength + 5)]
    public void DoubleBasis_OrthonormalToWorkingPrecision_AndCoefficientsAreTheProjection(int count, int n)
    {
        var random = new Random(count);
        var orthogonalizer = new BasisOrthogonalizer(n, maxDegreeOfParallelism: -1);
        var basis = new double[]?[count];
        int[] indices = [.. Enumerable.Range(0, count)];
        var coefficients = new double[count];
        for (int k = 0; k < count; k++)
        {
            double[] w = Random(n, random);
            for (int i = 0; i < k; i++) for (int t = 0; t < n; t++) w[t] += 3 * basis[i]![t];
            double[] original = (double[])w.Clone();
            Array.Clear(coefficients);
            double norm = orthogonalizer.OrthogonalizeTwice(basis, indices.AsSpan(0, k), w, coefficients);
            for (int t = 0; t < n; t++)
            {
                double rebuilt = w[t];
                for (int i = 0; i < k; i++) rebuilt += coefficients[i] * basis[i]![t];
                Assert.That(rebuilt, Is.EqualTo(original[t]).Within(1e-12));
            }
            Assert.That(norm, Is.EqualTo(Math.Sqrt(Dot(w, w))).Within(1e-14 * norm));
            basis[k] = w.Select(x => x / norm).ToArray();
        }
        for (int i = 0; i < count; i++)
            for (int j = 0; j <= i; j++)
                Assert.That(Dot(basis[i]!, basis[j]!), Is.EqualTo(i == j ? 1.0 : 0.0).Within(1e-14), $"⟨v{i}, v{j}⟩");
    }

    [Test]
    public void PrefixOverload_EqualsTheExplicitIndexList()
    {
        const int n = 500, count = 9;
        var random = new Random(3);
        double[]?[] basis = [.. Enumerable.Range(0, count).Select(_ => Random(n, random))];
        double[] w0 = Random(n, random);
        var orthogonalizer = new BasisOrthogonalizer(n, 1);
        double[] w1 = (double[])w0.Clone(), w2 = (double[])w0.Clone();
        double[] c1 = new double[count], c2 = new double[count];
        orthogonalizer.OrthogonalizeTwice(basis, 4, w1, c1);   // grows the identity list, then reuses it
        w1 = (double[])w0.Clone();
        Array.Clear(c1);
        double n1 = orthogonalizer.OrthogonalizeTwice(basis, count, w1, c1);
        double n2 = orthogonalizer.OrthogonalizeTwice(basis, [.. Enumerable.Range(0, count)], w2, c2);
        Assert.That(w1, Is.EqualTo(w2));
        Assert.That(c1, Is.EqualTo(c2));
        Assert.That(n1, Is.EqualTo(n2));
    }

    [Test]
    public void SingleBasis_LeavesOnlyTheRoundingOfTheStoredCopies()
    {
        // Orthonormal double vectors, stored rounded to float32: after one orthogonalisation against the stored copies, the
        // overlap of w with the exact vectors is the float rounding error projected on w, ≈ 2⁻²⁴/√(3n) on average; the
        // bound asserted is 2⁻²⁴ (no averaging at all).
        const int n = 2 * BasisOrthogonalizer.MinimumPartLength + 77, count = 24;
        var random = new Random(5);
        var exact = new double[count][];
        var orthogonalizer = new BasisOrthogonalizer(n, maxDegreeOfParallelism: 1);
        for (int k = 0; k < count; k++)
        {
            double[] v = Random(n, random);
            var c = new double[k];
            double norm = orthogonalizer.OrthogonalizeTwice(exact, [.. Enumerable.Range(0, k)], v, c);
            exact[k] = v.Select(x => x / norm).ToArray();
        }
        float[]?[] stored = exact.Select(v => v.Select(x => (float)x).ToArray()).ToArray();
        double[] w = Random(n, random);
        for (int i = 0; i < count; i++) for (int t = 0; t < n; t++) w[t] += 0.5 * exact[i][t];
        double[] original = (double[])w.Clone();
        var coefficients = new double[count];
        double after = orthogonalizer.OrthogonalizeTwice(stored, [.. Enumerable.Range(0, count)], w, coefficients);
        double worst = exact.Max(v => Math.Abs(Dot(v, w))) / after;
        Assert.That(worst, Is.LessThan(Math.Pow(2, -24)));
        Assert.That(worst, Is.GreaterThan(1e-16), "the rounding of the stored copies is visible (not a double basis by mistake)");
        // The coefficients are the projections on the stored copies: the exact projections to float rounding.
        double scale = Math.Sqrt(Dot(original, original));
        for (int i = 0; i < count; i++) Assert.That(coefficients[i], Is.EqualTo(Dot(exact[i], original)).Within(1e-6 * scale));
    }

    [Test]
    public void Scaled16Basis_LeavesOnlyTheQuantisationOfTheStoredCopies()
    {
        // The same with 16-bit copies (one scale per part): each entry is within 2⁻¹⁶ of its part's largest magnitude, so the
        // overlap left is that error projected on w; the bound asserted, 2⁻¹⁴, allows a part's largest entry to be four
        // times its typical one (no averaging).
        const int n = 2 * BasisOrthogonalizer.MinimumPartLength + 77, count = 24;
        var random = new Random(6);
        var exact = new double[count][];
        var orthogonalizer = new BasisOrthogonalizer(n, maxDegreeOfParallelism: -1);
        for (int k = 0; k < count; k++)
        {
            double[] v = Random(n, random);
            var c = new double[k];
            double norm = orthogonalizer.OrthogonalizeTwice(exact, [.. Enumerable.Range(0, k)], v, c);
            exact[k] = v.Select(x => x / norm).ToArray();
        }
        var stored = new short[]?[count];
        var scales = new double[count * orthogonalizer.Parts];
        for (int k = 0; k < count; k++)
        {
            orthogonalizer.Quantize(exact[k], stored[k] = new short[n], scales.AsSpan(k * orthogonalizer.Parts, orthogonalizer.Parts));
            // Every stored entry is within half a quantum of the exact one (the quantum of its part).
            for (int part = 0; part < orthogonalizer.Parts; part++)
            {
                int start = DeterministicParallel.ChunkStart(n, orthogonalizer.Parts, part), end = DeterministicParallel.ChunkStart(n, orthogonalizer.Parts, part + 1);
                double scale = scales[k * orthogonalizer.Parts + part];
                Assert.That(scale, Is.EqualTo(exact[k].Skip(start).Take(end - start).Max(Math.Abs) / short.MaxValue).Within(1e-15));
                for (int t = start; t < end; t++) Assert.That(stored[k]![t] * scale, Is.EqualTo(exact[k][t]).Within(0.5 * scale * (1 + 1e-12)));
            }
        }
        double[] w = Random(n, random);
        for (int i = 0; i < count; i++) for (int t = 0; t < n; t++) w[t] += 0.5 * exact[i][t];
        double[] original = (double[])w.Clone();
        var coefficients = new double[count];
        double after = orthogonalizer.OrthogonalizeTwice(stored, scales, [.. Enumerable.Range(0, count)], w, coefficients);
        double worst = exact.Max(v => Math.Abs(Dot(v, w))) / after;
        Assert.That(worst, Is.LessThan(Math.Pow(2, -14)));
        Assert.That(worst, Is.GreaterThan(Math.Pow(2, -30)), "the quantisation of the stored copies is visible");
        double size = Math.Sqrt(Dot(original, original));
        for (int i = 0; i < count; i++) Assert.That(coefficients[i], Is.EqualTo(Dot(exact[i], original)).Within(1e-4 * size));
        Assert.That(() => orthogonalizer.OrthogonalizeTwice(stored, new double[orthogonalizer.Parts], [0, 1], w, coefficients),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("scales"));
    }

    [Test]
    public void ResultsAreBitwiseIdentical_ForAnyThreadCount()
    {
        const int n = 5 * BasisOrthogonalizer.MinimumPartLength + 3, count = 37;
        var random = new Random(9);
        double[]?[] basis = [.. Enumerable.Range(0, count).Select(_ => Random(n, random))];
        float[]?[] single = basis.Select(v => v!.Select(x => (float)x).ToArray()).ToArray();
        double[] w0 = Random(n, random);
        int[] indices = [.. Enumerable.Range(0, count).Reverse()];
        var results = new List<(double[] W, double[] C, double Norm)>();
        var quantizer = new BasisOrthogonalizer(n, 1);
        short[]?[] scaled = basis.Select(_ => new short[n]).ToArray();
        var scales = new double[count * quantizer.Parts];
        for (int k = 0; k < count; k++) quantizer.Quantize(basis[k], scaled[k], scales.AsSpan(k * quantizer.Parts, quantizer.Parts));
        foreach (string storage in new[] { "double", "single", "scaled16" })
        {
            results.Clear();
            foreach (int threads in new[] { 1, 2, -1 })
            {
                var orthogonalizer = new BasisOrthogonalizer(n, threads);
                Assert.That(orthogonalizer.Parts, Is.GreaterThan(1));
                double[] w = (double[])w0.Clone();
                var c = new double[count];
                double norm = storage switch
                {
                    "single" => orthogonalizer.OrthogonalizeTwice(single, indices, w, c),
                    "scaled16" => orthogonalizer.OrthogonalizeTwice(scaled, scales, indices, w, c),
                    _ => orthogonalizer.OrthogonalizeTwice(basis, indices, w, c),
                };
                results.Add((w, c, norm));
            }
            for (int r = 1; r < results.Count; r++)
            {
                Assert.That(results[r].W, Is.EqualTo(results[0].W), $"w, {storage}");
                Assert.That(results[r].C, Is.EqualTo(results[0].C), $"coefficients, {storage}");
                Assert.That(results[r].Norm, Is.EqualTo(results[0].Norm));
            }
        }
    }

    [Test]
    public void RejectsBadArguments()
    {
        var orthogonalizer = new BasisOrthogonalizer(10, 1);
        double[]?[] basis = [new double[10], null];
        Assert.That(() => orthogonalizer.OrthogonalizeTwice(basis, [0], new double[9], new double[1]), Throws.ArgumentException.With.Message.Contains("w"));
        Assert.That(() => orthogonalizer.OrthogonalizeTwice(basis, [0], new double[10], new double[0]), Throws.ArgumentException.With.Message.Contains("coefficients"));
        Assert.That(() => orthogonalizer.OrthogonalizeTwice(basis, [1], new double[10], new double[1]), Throws.ArgumentException.With.Message.Contains("basis[1]"));
    }
}
