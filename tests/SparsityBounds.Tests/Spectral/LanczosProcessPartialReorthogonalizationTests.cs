using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

// Partial reorthogonalisation (Simon 1984): semi-orthogonal basis, T_m as accurate as with full reorthogonalisation,
// far fewer passes over the basis.
[TestFixture]
public sealed class LanczosProcessPartialReorthogonalizationTests
{
    private const int N = 400, M = 150;

    private static double[] Rademacher(int n, int seed)
    {
        var z = new double[n];
        CounterRandom.FillRademacher(seed, 0, z);
        return z;
    }

    private static LanczosProcess Run(Reorthogonalization mode, int seed = 3)
    {
        // Outliers 40, 15, 7, −3 converge within a few dozen steps, which is when the plain recurrence loses orthogonality.
        var op = TestSpectra.Dense(TestSpectra.HessianLike(N, 1), seed: 2);
        var lanczos = new LanczosProcess(op, Rademacher(N, seed), new LanczosOptions { Steps = M, Reorthogonalization = mode, KeepBasis = true });
        lanczos.Run();
        return lanczos;
    }

    private static double MaxOffDiagonalInnerProduct(LanczosProcess lanczos)
    {
        int m = lanczos.Steps;
        var v = Matrix<double>.Build.Dense(N, m, (i, j) => lanczos.BasisVector(j)[i]);
        Matrix<double> gram = v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(m);
        return gram.Enumerate().Max(Math.Abs);
    }

    [Test]
    public void KeepsTheBasisSemiOrthogonal_WhereThePlainRecurrenceLosesOrthogonality()
    {
        LanczosProcess plain = Run(Reorthogonalization.None);
        LanczosProcess partial = Run(Reorthogonalization.Partial);
        Assert.That(MaxOffDiagonalInnerProduct(plain), Is.GreaterThan(1e-3), "the test problem must defeat the plain recurrence");
        // Semi-orthogonality: |v_iᵀv_j| of order √ε ≈ 1.5e-8 (the trigger level), not of order 1.
        Assert.That(MaxOffDiagonalInnerProduct(partial), Is.LessThan(1e-7));
    }

    [Test]
    public void ReorthogonalizesOnlySomeSteps()
    {
        // On this spectrum (outlier 40 against a bulk ≤ 2) the plain recurrence loses orthogonality by a factor ~60 per
        // step once the outlier has converged, so pairs of reorthogonalisations every few steps are really needed.
        LanczosProcess full = Run(Reorthogonalization.Full);
        LanczosProcess partial = Run(Reorthogonalization.Partial);
        LanczosProcess plain = Run(Reorthogonalization.None);
        Assert.That(full.Reorthogonalizations, Is.EqualTo(M));
        Assert.That(plain.Reorthogonalizations, Is.Zero);
        Assert.That(partial.Reorthogonalizations, Is.GreaterThan(0).And.LessThan(0.6 * M));
    }

    [Test]
    public void OnAnEvenlySpreadSpectrum_ReorthogonalizesRarely_AndStaysSemiOrthogonal()
    {
        // No isolated eigenvalue converges early, so orthogonality is lost slowly.
        double[] spectrum = Enumerable.Range(0, N).Select(i => -1.0 + 2.0 * i / (N - 1)).ToArray();
        var op = TestSpectra.Dense(spectrum, seed: 4);
        var partial = new LanczosProcess(op, Rademacher(N, 5), new LanczosOptions { Steps = 100, Reorthogonalization = Reorthogonalization.Partial, KeepBasis = true });
        partial.Run();
        Assert.That(partial.Reorthogonalizations, Is.LessThan(100 / 4));
        Assert.That(MaxOffDiagonalInnerProduct(partial), Is.LessThan(1e-7));
    }

    [Test]
    public void RitzValuesAndQuadrature_MatchFullReorthogonalization()
    {
        LanczosProcess full = Run(Reorthogonalization.Full);
        LanczosProcess partial = Run(Reorthogonalization.Partial);
        double[] rf = new double[M], rp = new double[M];
        full.RitzValues(rf);
        partial.RitzValues(rp);
        // Extreme Ritz values (converged) agree to near working accuracy of ‖A‖ = 40.
        for (int i = 0; i < 4; i++)
        {
            Assert.That(rp[^(i + 1)], Is.EqualTo(rf[^(i + 1)]).Within(1e-9 * 40), $"largest {i}");
            Assert.That(rp[i], Is.EqualTo(rf[i]).Within(1e-9 * 40), $"smallest {i}");
        }
        double[] nodesF = new double[M], weightsF = new double[M], nodesP = new double[M], weightsP = new double[M];
        full.GaussQuadrature(nodesF, weightsF);
        partial.GaussQuadrature(nodesP, weightsP);
        // Spectral sums of the kind the pruning limit uses: a sharp peak at 0 and smooth functions.
        foreach (Func<double, double> f in new Func<double, double>[] { x => x * x, x => Math.Exp(-x), x => 0.02 / (0.02 + Math.Abs(x)) })
        {
            double sf = 0, sp = 0;
            for (int j = 0; j < M; j++) { sf += weightsF[j] * f(nodesF[j]); sp += weightsP[j] * f(nodesP[j]); }
            Assert.That(sp, Is.EqualTo(sf).Within(1e-8 * Math.Max(1, Math.Abs(sf))));
        }
    }

    [Test]
    public void Restart_ReproducesAFreshProcessBitwise()
    {
        var op = TestSpectra.Dense(TestSpectra.HessianLike(N, 1), seed: 2);
        var options = new LanczosOptions { Steps = M, Reorthogonalization = Reorthogonalization.Partial };
        var reused = new LanczosProcess(op, Rademacher(N, 9), options);
        reused.Run();
        reused.Restart(Rademacher(N, 3));
        reused.Run();
        LanczosProcess fresh = Run(Reorthogonalization.Partial, seed: 3);
        Assert.That(reused.Alpha.ToArray(), Is.EqualTo(fresh.Alpha.ToArray()));
        Assert.That(reused.Beta.ToArray(), Is.EqualTo(fresh.Beta.ToArray()));
    }
}
