import ArrwEmbedding
import Foundation

/// A plain scalar BERT forward pass in Double precision, straight from the definitions
/// (exact erf GELU, padded-free single sequence), used only to check `BertEncoder`.
struct ReferenceBert {
    let weights: BertWeights

    func encode(_ ids: [Int32]) -> [Float] {
        let config = weights.configuration
        let h = config.hiddenSize
        let n = ids.count
        var x = (0..<n).map { position in
            (0..<h).map { column in
                Double(weights.wordEmbeddings[Int(ids[position]) * h + column])
                    + Double(weights.positionEmbeddings[position * h + column]) + Double(weights.tokenTypeEmbedding[column])
            }
        }
        x = x.map { layerNorm($0, weights.embeddingNormGamma, weights.embeddingNormBeta) }
        for layer in weights.layers {
            let qkv = x.map { linear($0, layer.qkvWeight, layer.qkvBias) }
            var context = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
            let d = config.headSize
            for head in 0..<config.heads {
                for i in 0..<n {
                    let scores = (0..<n).map { j in
                        (0..<d).reduce(0.0) { $0 + qkv[i][head * d + $1] * qkv[j][h + head * d + $1] } / Double(d).squareRoot()
                    }
                    let top = scores.max()!
                    let weightsRow = scores.map { exp($0 - top) }
                    let total = weightsRow.reduce(0, +)
                    for j in 0..<n {
                        for k in 0..<d { context[i][head * d + k] += weightsRow[j] / total * qkv[j][2 * h + head * d + k] }
                    }
                }
            }
            let attended = (0..<n).map { i in
                layerNorm(zip(linear(context[i], layer.attentionOutputWeight, layer.attentionOutputBias), x[i]).map(+),
                          layer.attentionNormGamma, layer.attentionNormBeta)
            }
            x = attended.map { row in
                let inner = linear(row, layer.intermediateWeight, layer.intermediateBias).map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) }
                return layerNorm(zip(linear(inner, layer.outputWeight, layer.outputBias), row).map(+), layer.outputNormGamma, layer.outputNormBeta)
            }
        }
        var mean = (0..<h).map { column in x.reduce(0) { $0 + $1[column] } / Double(n) }
        let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        mean = mean.map { $0 / norm }
        return mean.map(Float.init)
    }

    private func linear(_ input: [Double], _ weight: [Float], _ bias: [Float]) -> [Double] {
        let inputs = input.count
        return bias.indices.map { out in
            var sum = Double(bias[out])
            for i in 0..<inputs { sum += input[i] * Double(weight[out * inputs + i]) }
            return sum
        }
    }

    private func layerNorm(_ row: [Double], _ gamma: [Float], _ beta: [Float]) -> [Double] {
        let mean = row.reduce(0, +) / Double(row.count)
        let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(row.count)
        let inverse = 1 / (variance + Double(weights.configuration.layerNormEpsilon)).squareRoot()
        return row.indices.map { (row[$0] - mean) * inverse * Double(gamma[$0]) + Double(beta[$0]) }
    }
}
