"""A HELM client for fixtures: answers HELM's `simple_mcqa` questions ("Is N even or odd?",
options A. Even / B. Odd) correctly with a fixed probability per model, decided by a hash of
(model, prompt) so reruns are identical. It only stands in for a model's answers; everything
written to disk is HELM's own output."""

import hashlib
import re

from helm.clients.simple_client import SimpleClient

ACCURACY = {"cofail/careful": 0.9, "cofail/average": 0.7, "cofail/coin": 0.5}


class SeededClient(SimpleClient):
    def invoke_model(self, raw_request):
        prompt = raw_request["prompt"]
        model = "cofail/" + raw_request["engine"]
        number = int(re.findall(r"Is (\d+) even or odd\?", prompt)[-1])
        right = "A" if number % 2 == 0 else "B"
        wrong = "B" if right == "A" else "A"
        digest = hashlib.sha256((model + "\0" + prompt).encode()).digest()
        u = int.from_bytes(digest[:8], "big") / 2**64
        answer = right if u < ACCURACY[model] else wrong
        return {"completions": [answer] * raw_request["num_completions"]}
