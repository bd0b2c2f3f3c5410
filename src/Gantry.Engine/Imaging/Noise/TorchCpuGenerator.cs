namespace Gantry.Engine.Imaging.Noise;

/// <summary>
/// PyTorch's CPU random generator as <c>torch.manual_seed(seed)</c> leaves it: a 32-bit Mersenne Twister
/// (MT19937) whose state is initialised from the low 32 bits of the seed with the standard recurrence
/// (x[i] = 1812433253 · (x[i−1] ⊕ (x[i−1] ≫ 30)) + i), and the two uniforms PyTorch draws from it: a float takes
/// the low 24 bits of one 32-bit output times 2⁻²⁴, a double the low 53 bits of two outputs (first one high) times
/// 2⁻⁵³. Both lie in [0, 1).
/// </summary>
internal sealed class TorchCpuGenerator
{
    private const int StateSize = 624;
    private const int Shift = 397;
    private readonly uint[] _state = new uint[StateSize];
    private int _next;

    public TorchCpuGenerator(ulong seed)
    {
        _state[0] = (uint)seed;
        for (var i = 1; i < StateSize; i++)
        {
            var previous = _state[i - 1];
            _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _next = StateSize;
    }

    /// <summary>The next 32-bit output of the twister.</summary>
    public uint NextUInt32()
    {
        if (_next >= StateSize)
        {
            Twist();
        }

        var y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary><c>at::uniform_real_distribution&lt;float&gt;(0, 1)</c>.</summary>
    public float NextFloat() => (NextUInt32() & 0xFFFFFFu) * (1f / 16777216f);

    /// <summary><c>at::uniform_real_distribution&lt;double&gt;(0, 1)</c>.</summary>
    public double NextDouble()
    {
        ulong high = NextUInt32();
        ulong low = NextUInt32();
        return (((high << 32) | low) & ((1UL << 53) - 1)) * (1.0 / 9007199254740992.0);
    }

    private void Twist()
    {
        for (var k = 0; k < StateSize; k++)
        {
            var y = (_state[k] & 0x80000000u) | (_state[(k + 1) % StateSize] & 0x7FFFFFFFu);
            var mixed = _state[(k + Shift) % StateSize] ^ (y >> 1);
            _state[k] = (y & 1) == 0 ? mixed : mixed ^ 0x9908B0DFu;
        }

        _next = 0;
    }
}
