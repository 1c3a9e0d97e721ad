"""Service continuity: DRP versions and training (Kepbup Polewali Mandar 685/2021, III.3)."""
