using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

/// <summary>
/// An independent, deliberately plain MLP: one sample at a time, scalar loops, <see cref="Math"/> functions,
/// its own walk over the parameter layout of API.md (per layer W row-major [n_l, n_{l−1}], then b). The oracle
/// for values, logits and the logit Hessian H_z.
/// </summary>
internal static class NaiveMlp
{
    /// <summary>Logits of one sample; <paramref name="preActivations"/> (if given) receives z_l of every hidden layer.</summary>
    public static double[] Forward(int[] sizes, Activation activation, double[] theta, double[] x, List<double[]>? preActivations = null)
    {
        double[] a = x;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1], nOut = sizes[l];
            var z = new double[nOut];
            for (int i = 0; i < nOut; i++)
            {
                double s = theta[offset + nOut * nIn + i];
                for (int j = 0; j < nIn; j++) s += theta[offset + i * nIn + j] * a[j];
                z[i] = s;
            }
            offset += nOut * nIn + nOut;
            if (l == sizes.Length - 1) return z;
            preActivations?.Add((double[])z.Clone());
            a = new double[nOut];
            for (int i = 0; i < nOut; i++)
                a[i] = activation switch
                {
                    Activation.Relu => Math.Max(z[i], 0.0),
                    Activation.Tanh => Math.Tanh(z[i]),
                    _ => 1.0 / (1.0 + Math.Exp(-z[i])),
                };
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Per-sample loss: cross-entropy −log softmax(z)_y, or ½‖z − y‖² with y the target row (or one-hot label).</summary>
    public static double SampleLoss(Loss loss, double[] z, int label, double[]? target)
    {
        if (loss == Loss.SoftmaxCrossEntropy)
        {
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            return -(z[label] - max - Math.Log(sum));
        }
        double s = 0;
        for (int c = 0; c < z.Length; c++)
        {
            double y = target is null ? (c == label ? 1.0 : 0.0) : target[c];
            s += 0.5 * (z[c] - y) * (z[c] - y);
        }
        return s;
    }

    /// <summary>The logit Hessian of the per-sample loss: diag(p) − ppᵀ, or I.</summary>
    public static double[,] LogitHessian(Loss loss, double[] z)
    {
        int c = z.Length;
        var h = new double[c, c];
        if (loss == Loss.MeanSquaredError)
        {
            for (int i = 0; i < c; i++) h[i, i] = 1.0;
            return h;
        }
        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        double[] p = e.Select(v => v / sum).ToArray();
        for (int i = 0; i < c; i++)
            for (int j = 0; j < c; j++)
                h[i, j] = (i == j ? p[i] : 0.0) - p[i] * p[j];
        return h;
    }

    /// <summary>Mean loss over the samples plus λ Σ|θ|.</summary>
    public static double Value(ModelCase c, double[] theta, double l1 = 0.0)
    {
        double sum = 0;
        for (int i = 0; i < c.Count; i++)
            sum += SampleLoss(c.Loss, Forward(c.Sizes, c.Activation, theta, c.Row(i)), c.Label(i), c.Target(i));
        return sum / c.Count + l1 * theta.Sum(Math.Abs);
    }
}
