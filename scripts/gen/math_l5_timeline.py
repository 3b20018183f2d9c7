#!/usr/bin/env python3
"""The MATH level-5 example's release registry and per-query costs (METHODS §19):
examples/zeroeval_math_l5/timeline.csv (model,family,price_in,price_out,released) and
model_costs.csv (model,cost), with cost = (IN · price_in + OUT · price_out) / 10⁶ dollars per
problem at IN = 500 prompt and OUT = 1,000 completion tokens (the same token budget for every
model: the matrix carries no token counts).

Sources, transcribed by hand (see the example's PROVENANCE.md): release dates are the snapshot
date in the model's name where it has one, otherwise the vendor's public announcement (blog post
or model card); prices are the vendors' list prices in USD per million tokens at release (OpenAI,
Anthropic, Google AI, xAI, Mistral, DeepSeek, Reka pricing pages), and for open-weight models a
hosted provider's 2024 list price (Together AI's serverless tier); experimental snapshots carry the
price of their generally available model. Run from the repository root:
    python3 scripts/gen/math_l5_timeline.py
"""
import csv

IN_TOKENS, OUT_TOKENS = 500, 1000
# model, family, price_in, price_out (USD per million tokens), released
ROWS = """
Athene-70B,nexusflow(llama-derived),0.88,0.88,2024-07-20
Llama-3.1-405B-Inst@sambanova,meta-llama,3.5,3.5,2024-07-23
Meta-Llama-3-70B-Instruct,meta-llama,0.88,0.88,2024-04-18
Meta-Llama-3-8B-Instruct,meta-llama,0.18,0.18,2024-04-18
Meta-Llama-3.1-405B-Instruct@hyperbolic,meta-llama,3.5,3.5,2024-07-23
Meta-Llama-3.1-70B-Instruct,meta-llama,0.88,0.88,2024-07-23
Meta-Llama-3.1-70B-Instruct@hyperbolic,meta-llama,0.88,0.88,2024-07-23
Meta-Llama-3.1-8B-Instruct,meta-llama,0.18,0.18,2024-07-23
Mistral-Large-2,mistral,3,9,2024-07-24
Phi-3-mini-4k-instruct,microsoft-phi,0.1,0.1,2024-04-23
Phi-3.5-mini-instruct,microsoft-phi,0.1,0.1,2024-08-20
Qwen2-72B-Instruct,qwen,0.9,0.9,2024-06-07
Qwen2-7B-Instruct,qwen,0.2,0.2,2024-06-07
Qwen2.5-32B-Instruct,qwen,0.8,0.8,2024-09-19
Qwen2.5-3B-Instruct,qwen,0.1,0.1,2024-09-19
Qwen2.5-72B-Instruct,qwen,1.2,1.2,2024-09-19
Qwen2.5-7B-Instruct,qwen,0.3,0.3,2024-09-19
Yi-1.5-34B-Chat,01-ai,0.8,0.8,2024-05-13
Yi-1.5-9B-Chat,01-ai,0.2,0.2,2024-05-13
chatgpt-4o-latest-24-09-07,openai,5,15,2024-09-07
claude-3-5-haiku-20241022,anthropic,1,5,2024-10-22
claude-3-5-sonnet-20240620,anthropic,3,15,2024-06-20
claude-3-5-sonnet-20241022,anthropic,3,15,2024-10-22
claude-3-haiku-20240307,anthropic,0.25,1.25,2024-03-13
claude-3-opus-20240229,anthropic,15,75,2024-03-04
deepseek-v2.5-0908,deepseek,0.14,0.28,2024-09-08
gemini-1.5-flash,google,0.35,1.05,2024-05-14
gemini-1.5-flash-exp-0827,google,0.35,1.05,2024-08-27
gemini-1.5-pro,google,3.5,10.5,2024-02-15
gemini-1.5-pro-exp-0827,google,3.5,10.5,2024-08-27
gemma-2-27b-it,google,0.8,0.8,2024-06-27
gemma-2-2b-it,google,0.1,0.1,2024-07-31
gemma-2-9b-it,google,0.3,0.3,2024-06-27
gpt-3.5-turbo-0125,openai,0.5,1.5,2024-01-25
gpt-4-0314,openai,30,60,2023-03-14
gpt-4-turbo-2024-04-09,openai,10,30,2024-04-09
gpt-4o-2024-05-13,openai,5,15,2024-05-13
gpt-4o-2024-08-06,openai,2.5,10,2024-08-06
gpt-4o-mini-2024-07-18,openai,0.15,0.6,2024-07-18
grok-2-1212,xai,2,10,2024-12-12
o1-mini-2024-09-12,openai,3,12,2024-09-12
o1-preview-2024-09-12,openai,15,60,2024-09-12
reka-core-20240501,reka,10,25,2024-05-01
"""


def main():
    rows = [line.split(",") for line in ROWS.strip().splitlines()]
    with open("examples/zeroeval_math_l5/timeline.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "family", "price_in", "price_out", "released"])
        w.writerows(rows)
    with open("examples/zeroeval_math_l5/model_costs.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "cost"])
        for model, _, pin, pout, _ in rows:
            w.writerow([model, "%.10g" % ((IN_TOKENS * float(pin) + OUT_TOKENS * float(pout)) / 1e6)])


if __name__ == "__main__":
    main()
