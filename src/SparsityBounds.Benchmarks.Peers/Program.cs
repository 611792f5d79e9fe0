using System.Diagnostics;
using SparsityBounds.Models;
using SparsityBounds.Operators;
using TorchSharp;
using static TorchSharp.torch;
using SparsityBounds.Benchmarks;

namespace SparsityBounds.Benchmarks.Peers;

/// <summary>
/// TorchSharp-cpu (LibTorch 2.10) autograd double-backward Hessian-vector products on the same MLP, data, batch
/// and thread count as the library's R-operator HVP: interleaved medians, plus the relative difference of the two
/// products as a correctness check. Usage: <c>[threads] [width]</c> (defaults 1 and 256: [64, width, width, 10]).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 1;
        int width = args.Length > 1 ? int.Parse(args[1]) : 256;
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
        Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, LibTorch CPU, threads {torch.get_num_threads()}");

        int[] sizes = [64, width, width, 10];
        var data = SampleData.Digits();
        var model = new Mlp(sizes, Activation.Relu);
        var objective = new MlpObjective(model, data, Loss.SoftmaxCrossEntropy) { MaxDegreeOfParallelism = threads };
        double[] theta = model.InitializeParameters(1), v = model.InitializeParameters(2);
        int d = model.ParameterCount, n = data.Count;

        // The same samples as tensors.
        double[] features = new double[n * 64];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 64; j++) features[i * 64 + j] = data.GetFeatures(i)[j];
            labels[i] = data.GetLabel(i);
        }
        using var x = torch.tensor(features, [n, 64], ScalarType.Float64);
        using var y = torch.tensor(labels, [n], ScalarType.Int64);
        var parameters = new List<Tensor>();
        var directions = new List<Tensor>();
        foreach (MlpLayer layer in model.Layers)
        {
            parameters.Add(torch.tensor(theta.AsSpan(layer.WeightOffset, layer.OutputSize * layer.InputSize).ToArray(), [layer.OutputSize, layer.InputSize], ScalarType.Float64).requires_grad_());
            parameters.Add(torch.tensor(theta.AsSpan(layer.BiasOffset, layer.OutputSize).ToArray(), [layer.OutputSize], ScalarType.Float64).requires_grad_());
            directions.Add(torch.tensor(v.AsSpan(layer.WeightOffset, layer.OutputSize * layer.InputSize).ToArray(), [layer.OutputSize, layer.InputSize], ScalarType.Float64));
            directions.Add(torch.tensor(v.AsSpan(layer.BiasOffset, layer.OutputSize).ToArray(), [layer.OutputSize], ScalarType.Float64));
        }

        Tensor LossValue()
        {
            Tensor a = x;
            for (int l = 0; l < parameters.Count; l += 2)
            {
                Tensor z = torch.nn.functional.linear(a, parameters[l], parameters[l + 1]);
                a = l + 2 < parameters.Count ? torch.nn.functional.relu(z) : z;
            }
            return torch.nn.functional.cross_entropy(a, y);
        }

        double[] torchHvp = new double[d];
        void TorchHvp(bool copyOut)
        {
            using var scope = torch.NewDisposeScope();
            Tensor loss = LossValue();
            var grads = torch.autograd.grad([loss], parameters, retain_graph: true, create_graph: true);
            Tensor dot = torch.zeros(1, ScalarType.Float64);
            for (int i = 0; i < grads.Count; i++) dot = dot + (grads[i] * directions[i]).sum();
            var hv = torch.autograd.grad([dot], parameters);
            if (copyOut)
            {
                int at = 0;
                foreach (Tensor t in hv)
                {
                    double[] values = t.contiguous().data<double>().ToArray();
                    values.CopyTo(torchHvp, at);
                    at += values.Length;
                }
            }
        }

        void TorchGradient()
        {
            using var scope = torch.NewDisposeScope();
            Tensor loss = LossValue();
            torch.autograd.grad([loss], parameters);
        }

        ISymmetricOperator hessian = objective.Hessian(theta);
        double[] ours = new double[d], gradient = new double[d];
        hessian.Apply(v, ours);
        TorchHvp(copyOut: true);
        double diff = 0, norm = 0;
        for (int i = 0; i < d; i++) { diff += (ours[i] - torchHvp[i]) * (ours[i] - torchHvp[i]); norm += ours[i] * ours[i]; }
        Console.WriteLine($"[64, {width}, {width}, 10] ReLU, N = {n}, D = {d}: ||Hv_ours - Hv_torch|| / ||Hv_ours|| = {Math.Sqrt(diff / norm):E2}");

        var block = (IBlockSymmetricOperator)hessian;
        double[] vs = new double[8 * d], hvs = new double[8 * d];
        for (int j = 0; j < 8; j++) v.CopyTo(vs, j * d);
        Action[] actions =
        [
            () => TorchHvp(copyOut: false),
            () => TorchGradient(),
            () => hessian.Apply(v, ours),
            () => objective.Gradient(theta, gradient),
            () => block.ApplyMany(vs, hvs, 8),
            () => objective.Hessian(theta),
        ];
        double[] t = Timing.Interleaved(actions, 7, 0.3);
        Console.WriteLine($"torch autograd HVP (double backward) {t[0] * 1e3:F2} ms; torch gradient {t[1] * 1e3:F2} ms");
        Console.WriteLine($"SparsityBounds HVP (primal cached) {t[2] * 1e3:F2} ms; gradient {t[3] * 1e3:F2} ms; ApplyMany(8) {t[4] * 1e3:F2} ms ({t[4] / 8 * 1e3:F2} ms per direction); operator construction (primal pass) {t[5] * 1e3:F2} ms");
        Console.WriteLine($"torch HVP / SparsityBounds HVP = {t[0] / t[2]:F2}; torch HVP / (SparsityBounds primal pass + HVP) = {t[0] / (t[5] + t[2]):F2}; torch HVP / SparsityBounds per-direction ApplyMany(8) = {t[0] / (t[4] / 8):F2}");
        return 0;
    }
}
