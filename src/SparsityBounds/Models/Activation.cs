namespace SparsityBounds.Models;

/// <summary>Hidden-layer activation of an <see cref="Mlp"/> (the output layer has none).</summary>
/// <remarks>Derivatives used by the exact Hessian (THEORY.md §5): ReLU φ' = 1[z &gt; 0], φ'' = 0 (the kink at 0 gets
/// derivative 0); tanh φ' = 1 − a², φ'' = −2a(1 − a²); sigmoid φ' = s(1 − s), φ'' = s(1 − s)(1 − 2s).</remarks>
public enum Activation
{
    /// <summary>Rectified linear unit, max(z, 0).</summary>
    Relu,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Logistic function 1 / (1 + e^{−z}).</summary>
    Sigmoid,
}
