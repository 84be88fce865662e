package demo

// Name parts for plausible (invented) company owners in Linhai. Linhai's
// industries: leisure goods (休闲用品), machinery, pharmaceutical chemicals
// (医化), auto and motorcycle parts, lamps, glasses, rubber and plastics,
// electronics, garments and crafts.
var (
	brandChars = []rune("华永恒宏鑫达泰丰盛瑞嘉利通源兴德伟昌隆海新安康金元正东方明光宇博远")
	industries = []struct{ name, short string }{
		{"休闲用品", "休闲用品"}, {"机械制造", "机械"}, {"医药化工", "医化"}, {"汽摩配件", "汽配"},
		{"灯饰", "灯饰"}, {"眼镜", "眼镜"}, {"橡塑制品", "橡塑"}, {"电子科技", "电子"},
		{"服饰", "服饰"}, {"工艺品", "工艺品"}, {"泵业", "泵业"}, {"新材料", "新材料"},
		{"家具", "家具"}, {"五金制品", "五金"}, {"包装材料", "包装"},
	}
	companyForms = []string{"有限公司", "有限公司", "有限公司", "股份有限公司"}
	// Logistics owners for warehouse land (0508).
	logisticsForms = []string{"物流有限公司", "仓储有限公司", "供应链管理有限公司"}
)

// Towns of the demo: three street offices around the old town and the river,
// and Duqiao to the east with its own small cluster. cadastral is the
// 地籍区 number used in the parcel codes.
var towns = []struct {
	name      string
	cadastral int
}{
	{"古城街道", 1}, {"大洋街道", 2}, {"江南街道", 3}, {"杜桥镇", 10},
}
