namespace SparsityBounds.Models;

/// <summary>Per-sample loss of an <see cref="MlpObjective"/>; the objective is its mean over the samples.</summary>
public enum Loss
{
    /// <summary>Softmax cross-entropy with integer labels 0..C−1: ℓ(z, y) = log Σ_c e^{z_c} − z_y.
    /// Loss Hessian in the logits H_z = diag(p) − p pᵀ, p = softmax(z).</summary>
    SoftmaxCrossEntropy,

    /// <summary>Squared error ℓ(z, y) = ½‖z − y‖² (note the ½; PyTorch's MSELoss has none and also averages
    /// over outputs). Loss Hessian in the logits H_z = I. A classification <see cref="Dataset"/> is compared
    /// with one-hot targets.</summary>
    MeanSquaredError,
}
