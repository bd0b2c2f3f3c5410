using System.Collections;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Execution;

/// <summary>
/// About how many bytes a node result holds: tensor samples, string characters, and a small amount per other
/// object. Walks values with its own stack, so a deeply nested value cannot exhaust the thread's.
/// </summary>
internal static class ResultSize
{
    private const long PerObject = 32;

    public static long Of(CachedNodeResult result)
    {
        var stack = new Stack<object?>();
        stack.Push(result.Ui);
        foreach (var slot in result.Outputs)
        {
            stack.Push(slot);
        }

        long bytes = 0;
        while (stack.Count > 0)
        {
            bytes += Visit(stack.Pop(), stack);
        }

        return bytes;
    }

    private static long Visit(object? value, Stack<object?> stack)
    {
        switch (value)
        {
            case null:
                return 0;
            case ImageTensor image:
                return PerObject + (image.Length * (long)sizeof(float));
            case MaskTensor mask:
                return PerObject + (mask.Length * (long)sizeof(float));
            case LatentTensor latent:
                return PerObject + (latent.Length * (long)sizeof(float));
            case string s:
                return PerObject + (s.Length * 2L);
            case JString s:
                return PerObject + (s.Value.Length * 2L);
            case JObject o:
                foreach (var (key, item) in o)
                {
                    stack.Push(key);
                    stack.Push(item);
                }

                return PerObject;
            case byte[] bytes:
                return PerObject + bytes.Length;
            case IEnumerable items:
                foreach (var item in items)
                {
                    stack.Push(item);
                }

                return PerObject;
            default:
                return PerObject;
        }
    }
}
