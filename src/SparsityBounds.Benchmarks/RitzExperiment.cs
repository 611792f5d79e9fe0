using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks;

internal static class RitzExperiment
{
    internal static void Run()
    {
        var (model, objective, w, eps) = EndToEnd.Setup(-1);
        var h = objective.Hessian(w);
        int d = h.Dimension;
        var start = new double[d];
        SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, start);
        var lp = new LanczosProcess(h, start, new LanczosOptions { Steps = 250, Reorthogonalization = Reorthogonalization.Full });
        lp.Run();
        var a = lp.Alpha.ToArray(); var b = lp.Beta.ToArray();
        double sq = Math.Sqrt(Math.Pow(2, -52));
        for (int j = 10; j <= a.Length; j += 10)
        {
            var t = Matrix<double>.Build.Dense(j, j);
            for (int i = 0; i < j; i++) { t[i, i] = a[i]; if (i + 1 < j) { t[i, i + 1] = b[i]; t[i + 1, i] = b[i]; } }
            var evd = t.Evd(Symmetricity.Symmetric);
            double norm = evd.EigenValues.Select(z => Math.Abs(z.Real)).Max();
            var good = new List<double>();
            int loose = 0;
            for (int i = 0; i < j; i++)
            {
                double bound = b[j - 1] * Math.Abs(evd.EigenVectors[j - 1, i]);
                if (bound <= sq * norm) good.Add(evd.EigenValues[i].Real);
                if (bound <= 1e-4 * norm) loose++;
            }
            Console.WriteLine($"j {j}: |T| {norm:G4}, good {good.Count} (1e-4: {loose}); good values {string.Join(", ", good.Take(12).Select(z => z.ToString("G3")))}");
        }
    }
}

internal static class OrthoExperiment
{
    internal static void Run(int d, int count)
    {
        var rng = new Random(1);
        var basis = new double[count][];
        for (int k = 0; k < count; k++)
        {
            basis[k] = new double[d];
            for (int i = 0; i < d; i++) basis[k][i] = rng.NextDouble() - 0.5;
            double n = Math.Sqrt(basis[k].Sum(x => x * x));
            for (int i = 0; i < d; i++) basis[k][i] /= n;
        }
        var w0 = new double[d];
        for (int i = 0; i < d; i++) w0[i] = rng.NextDouble() - 0.5;
        var w = new double[d];
        var c = new double[count];
        var idx = Enumerable.Range(0, count).ToArray();
        var o1 = new SparsityBounds.Numerics.BasisOrthogonalizer(d, 1);
        var o2 = new SparsityBounds.Numerics.BasisOrthogonalizer(d, -1);
        double[]?[] nb = basis;
        double[] t = Timing.Interleaved([
            () => { w0.CopyTo(w, 0); SparsityBounds.Numerics.GramSchmidt.OrthogonalizeTwice(basis, count, w, c); },
            () => { w0.CopyTo(w, 0); o1.OrthogonalizeTwice(nb, idx, w, c); },
            () => { w0.CopyTo(w, 0); o2.OrthogonalizeTwice(nb, idx, w, c); },
            () => { w0.CopyTo(w, 0); },
            () => { double s = 0; foreach (var b in basis) s += System.Numerics.Tensors.TensorPrimitives.Sum<double>(b); if (s == 1) Console.Write(""); },
        ], 9, 0.3);
        double gb = (double)count * d * 8 / 1e9;
        Console.WriteLine($"D {d}, {count} vectors ({gb * 1e3:F0} MB): GramSchmidt {t[0] * 1e3:F2} ms, blocked 1 thread {t[1] * 1e3:F2} ms, 2 threads {t[2] * 1e3:F2} ms, stream read 1 thread {t[4] * 1e3:F2} ms ({gb / t[4]:F1} GB/s); blocked 2 threads {gb / t[2]:F1} GB/s");
    }
}

internal static class ThresholdExperiment
{
    internal static void Run()
    {
        var (model, objective, w, eps) = EndToEnd.Setup(-1);
        var h = objective.Hessian(w);
        var start = new double[h.Dimension];
        SparsityBounds.Numerics.CounterRandom.FillRademacher(0, 0, start);
        foreach (double factor in new[] { 1000.0, 3000, 10000, 100000 })
        {
            LanczosProcess.SingleThresholdFactor = factor;
            var lanczos = new LanczosProcess(h, start, new LanczosOptions { Steps = 250, Reorthogonalization = Reorthogonalization.Partial, SinglePrecisionBasis = true });
            lanczos.Run();
            var q = StochasticLanczosQuadrature.Estimate(h, new SlqOptions { Probes = 4, Steps = 250, SinglePrecisionBasis = true });
            double rho = SparsityBounds.Pruning.PhaseTransition.Estimate(w, q, eps).KeptFraction;
            Console.WriteLine($"factor {factor}: {lanczos.Reorthogonalizations} steps, {lanczos.OrthogonalizedVectors} vectors; 4x250 kept fraction {rho:F6}");
        }
    }
}
